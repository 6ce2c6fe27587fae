"""Home: what backpropagation is, and a guided path through the pages for a first visit."""

import streamlit as st

GUIDED_PATH = [  # (page file, link label, icon, what to do there)
    (
        "app_pages/activations.py",
        "Activation functions",
        ":material/show_chart:",
        "Meet the functions a neuron applies and their slopes f′(z): the numbers the backward"
        " pass multiplies by. See why deep sigmoid networks lose their gradient.",
    ),
    (
        "app_pages/chain_rule.py",
        "Chain rule graph",
        ":material/account_tree:",
        "Take a tiny network apart into multiply, add and activation nodes and step the"
        " backward pass node by node: this is the chain rule, and all of backpropagation.",
    ),
    (
        "app_pages/step_by_step.py",
        "Step by step",
        ":material/footprint:",
        "Watch a real network do one training step, phase by phase: forward pass, loss,"
        " deltas, gradients and the update, on the network diagram.",
    ),
    (
        "app_pages/worked_example.py",
        "Worked example",
        ":material/menu_book:",
        "Read the same step as a textbook writes it, every number included, and change the"
        " numbers to see everything recomputed.",
    ),
    (
        "app_pages/learning_rate.py",
        "Learning rate",
        ":material/tune:",
        "See what the step size does: too small, good, too large, divergent; and the path of"
        " gradient descent over a loss surface.",
    ),
    (
        "app_pages/training_lab.py",
        "Training lab",
        ":material/science:",
        "Train networks on real datasets and watch the loss, the decision boundary and the"
        " gradients change as it learns.",
    ),
    (
        "app_pages/practice.py",
        "Practice",
        ":material/edit_note:",
        "Test yourself: compute deltas, gradients and updated weights by hand and check your"
        " answers; revise with flashcards.",
    ),
]

st.title("Backprop Lab")
st.subheader("How a neural network learns, one number at a time")
st.markdown(
    "A neural network turns inputs into outputs through layers of neurons, each with its own"
    " weights. **Backpropagation** is how it finds out how to change those weights. It runs an"
    " example forward through the network, measures the error with a loss function, and then"
    " sends that error backwards, layer by layer, using the **chain rule** of calculus. Every"
    " weight learns how much it contributed to the error: its gradient. **Gradient descent** then"
    " nudges every weight a little against its gradient, and the error shrinks. Repeat that"
    " thousands of times and the network learns."
)
st.markdown(
    "This app shows every one of those numbers on small, real networks, so that nothing"
    " happens out of sight."
)

st.header("Your first visit: a guided path")
for number, (page, label, icon, description) in enumerate(GUIDED_PATH, start=1):
    with st.container(border=True):
        link, text = st.columns([1, 3], vertical_alignment="center")
        with link:
            st.page_link(page, label=f"{number}. {label}", icon=icon)
        text.write(description)

st.caption(
    "Teaching with it? Presenter mode (top right) enlarges text and figures for a projector,"
    " and 'Share this view' gives a link that opens a page with exactly your settings."
)
