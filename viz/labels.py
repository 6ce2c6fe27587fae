"""Names shown to people (and carried by shared links) for the engine's dataset, loss and
optimizer names in the training lab. A label is the widget's option value itself, so a link
carries it verbatim."""

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
    UPLOADED: "Upload a CSV file",
}

LOSS_LABELS = {
    "binary_cross_entropy": "Binary cross-entropy",
    "cross_entropy": "Cross-entropy",
    "mse": "Mean squared error",
    "squared_error": "Squared error (½ sum)",
}

OPTIMIZER_LABELS = {"sgd": "SGD", "momentum": "Momentum", "adam": "Adam"}
