"""Home: what backpropagation is, and where to start."""

import streamlit as st

st.title("Backprop Lab")
st.write(
    "Backpropagation is how a neural network learns: it runs an example forward, measures the"
    " error, and sends that error backwards through the network with the chain rule, so that"
    " every weight learns how much it contributed. This app shows every one of those numbers."
)
