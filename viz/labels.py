"""Names shown to people (and carried by shared links) for the engine's dataset, loss and
optimizer names in the training lab. A label is the widget's option value itself, so a link
carries it verbatim."""

from engine.activations import ACTIVATIONS
from engine.init import INITIALISERS
from engine.losses import LOSSES
from lessons.training_lab import UPLOADED

DATASET_LABELS = {
    "xor": "XOR",
    "circles": "Circles",
    "moons": "Moons",
    "spiral": "Spiral",
    "gaussians": "Two Gaussians",
    "three_blobs": "Three classes",
    "sine": "Sine (1-D regression)",
    "housing": "Housing prices (table)",
    "traffic": "Traffic congestion (table)",
    UPLOADED: "Upload a CSV file",
}

LOSS_LABELS = {
    "binary_cross_entropy": "Binary cross-entropy",
    "cross_entropy": "Cross-entropy",
    "mse": "Mean squared error",
    "squared_error": "Squared error (½ sum)",
}

OPTIMIZER_LABELS = {"sgd": "SGD", "momentum": "Momentum", "adam": "Adam"}

# Input features (engine.features) as shown on the widget and the network graph.
FEATURE_LABELS = {
    "x1": "x1",
    "x2": "x2",
    "x1^2": "x1²",
    "x2^2": "x2²",
    "x1*x2": "x1·x2",
    "sin(x1)": "sin(x1)",
    "sin(x2)": "sin(x2)",
}


# Activations, losses and initialisers: the engine objects' own labels, so every page names
# them alike (the step page shows these; its links keep carrying the engine's names).
def activation_label(name: str) -> str:
    """An activation's name for people, e.g. 'Leaky ReLU' for leaky_relu."""
    return ACTIVATIONS[name].label


def short_activation_label(name: str) -> str:
    """The label without its note in parentheses: 'Linear (identity)' -> 'Linear'."""
    return activation_label(name).split(" (")[0]


def loss_label(name: str) -> str:
    """A loss's name for people, e.g. 'Binary cross-entropy' for binary_cross_entropy."""
    return LOSSES[name].label


INIT_LABELS = {name: text.split(":")[0] for name, text in INITIALISERS.items()}
