"""Placeholder until this page is built (see the open issues)."""

import streamlit as st

st.info("This page is being built.")
