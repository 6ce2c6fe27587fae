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
    (
        "app_pages/glossary.py",
        "Glossary",
        ":material/dictionary:",
        "Look up any symbol (z, a, δ, η ...) or term, with the pages that show it.",
    ),
]

USES = [  # (application, the idea it relies on, page that shows the idea, link label)
    (
        "Image recognition",
        "Networks that sort photos into classes end in a softmax layer trained with"
        " cross-entropy, and draw decision boundaries between the classes.",
        "app_pages/training_lab.py",
        "Decision boundaries",
    ),
    (
        "Speech recognition",
        "Deep stacks of layers turn sound into words; they train only because gradients"
        " survive the trip back through many layers.",
        "app_pages/activations.py",
        "Vanishing gradients",
    ),
    (
        "Language models",
        "Each next word is a softmax over the vocabulary; backpropagation pushes every"
        " weight so the right word gets more probability.",
        "app_pages/step_by_step.py",
        "One step, phase by phase",
    ),
    (
        "Recommendations",
        "Learned embeddings of users and items are just weights, updated by w_new = w − η"
        " ∂L/∂w like any other.",
        "app_pages/learning_rate.py",
        "The update and its step size",
    ),
    (
        "Forecasting",
        "Predicting demand, traffic or weather is regression: a linear output and the"
        " squared error, as in the lab's regression datasets.",
        "app_pages/training_lab.py",
        "Regression in the lab",
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

st.header("Where backpropagation is used")
st.write(
    "Every network below is trained the way this app shows, only with millions of weights:"
    " a forward pass, a loss, deltas sent backwards and a gradient-descent step."
)
for application, idea, page, label in USES:
    with st.container(border=True):
        text, link = st.columns([3, 1], vertical_alignment="center")
        text.markdown(f"**{application}.** {idea}")
        with link:
            st.page_link(page, label=label)

st.caption(
    "Teaching with it? Presenter mode (top right) enlarges text and figures for a projector,"
    " and 'Share this view' gives a link that opens a page with exactly your settings."
)
