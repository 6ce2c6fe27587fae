"""Figures of the training lab, one module per kind of picture.

- `curves`: loss and accuracy over the updates, gradient norm per layer.
- `plane`: the input plane of 2-feature data (decision boundary, one neuron's output).
- `points`: the plane a visitor clicks on to add or remove points (Your own data).
- `fits`: predictions without a plane (fitted curve, predicted against true, confusion).
- `distributions`: histograms of weights and gradients.
- `network`: the clicked neuron of the network graph and the graph's text alternative.
- `common`: colours, marker shapes and the figure frame they share.

Each builder takes plain arrays and returns a Plotly figure; each `*_alt` returns the one or
two sentences that stand for its chart. `from viz import training_lab as charts` gives all.
"""

from viz.training_lab.common import (
    CLASS_COLORS,
    CLASS_FILLS,
    CLASS_SYMBOLS,
    LAYER_DASHES,
    MARKER_COLOR,
    MAX_POINTS,
    TEST_COLOR,
    TRAIN_COLOR,
    thin_indices,
)
from viz.training_lab.curves import (
    divergence_text,
    gradient_flow_alt,
    gradient_flow_figure,
    loss_alt,
    loss_figure,
)
from viz.training_lab.distributions import distributions_alt, distributions_figure
from viz.training_lab.fits import (
    confusion_alt,
    confusion_figure,
    fitted_curve_figure,
    predicted_vs_true_figure,
    regression_alt,
)
from viz.training_lab.network import clicked_neuron, network_alt
from viz.training_lab.plane import boundary_alt, boundary_figure, neuron_alt, neuron_figure

__all__ = [
    "CLASS_COLORS",
    "CLASS_FILLS",
    "CLASS_SYMBOLS",
    "LAYER_DASHES",
    "MARKER_COLOR",
    "MAX_POINTS",
    "TEST_COLOR",
    "TRAIN_COLOR",
    "boundary_alt",
    "boundary_figure",
    "clicked_neuron",
    "confusion_alt",
    "confusion_figure",
    "distributions_alt",
    "distributions_figure",
    "divergence_text",
    "fitted_curve_figure",
    "gradient_flow_alt",
    "gradient_flow_figure",
    "loss_alt",
    "loss_figure",
    "network_alt",
    "neuron_alt",
    "neuron_figure",
    "predicted_vs_true_figure",
    "regression_alt",
    "thin_indices",
]
