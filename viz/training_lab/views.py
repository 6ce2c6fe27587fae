"""Each view of the lab as (figure, text alternative), built from a run at a shown update.

The page only places these on the screen; which chart fits the data (the input plane, a
fitted curve, predicted against true, a confusion matrix) is decided here.
"""

import plotly.graph_objects as go

from engine.features import PLAIN
from engine.network import Network
from lessons.training_lab.classes import class_names, labelled_points, output_names
from lessons.training_lab.data import original_data
from lessons.training_lab.diagnosis import (
    EXPLODING_NORM,
    VANISHING_NORM,
    GradientDiagnosis,
    count_zero_weights,
    diagnose_gradients,
    zero_threshold,
    zero_weight_masks,
)
from lessons.training_lab.fits import confusion_matrix, fitted_curve, predicted_vs_true
from lessons.training_lab.hidden_space import hidden_space
from lessons.training_lab.history import PinnedCurve, norms_at
from lessons.training_lab.plane import neuron_grid, output_grid, plane_grid
from lessons.training_lab.play import neuron_codes, thumbnail_grid
from lessons.training_lab.runs import LabRun
from viz.labels import FEATURE_LABELS
from viz.network_graph import network_figure
from viz.training_lab.common import CLASS_FILLS, MIDDLE_FILL
from viz.training_lab.curves import gradient_flow_alt, gradient_flow_figure, loss_alt, loss_figure
from viz.training_lab.fits import (
    confusion_alt,
    confusion_figure,
    fitted_curve_figure,
    predicted_vs_true_figure,
    regression_alt,
)
from viz.training_lab.network import (
    add_thumbnails,
    add_zero_weights,
    code_colors,
    network_alt,
    zero_weights_text,
)
from viz.training_lab.plane import (
    boundary_alt,
    boundary_figure,
    hidden_space_alt,
    hidden_space_figure,
    neuron_alt,
    neuron_figure,
)


def input_names(run: LabRun) -> list[str]:
    """Names of the network's inputs: the dataset's, or the formulas of the chosen features."""
    if run.features == PLAIN:
        return list(run.dataset.feature_names)
    return [FEATURE_LABELS[name] for name in run.features]


def loss_view(
    run: LabRun, shown: int, height: int, font_size: int, pinned: PinnedCurve | None = None
) -> tuple[go.Figure, str]:
    """Loss (and accuracy) curves, with a line at `shown` unless it is the latest update, and
    an earlier run's `pinned` curves under them."""
    history = run.history
    figure = loss_figure(
        history.train_loss,
        history.test_loss,
        history.train_accuracy,
        history.test_accuracy,
        selected_update=None if shown == run.trainer.updates else shown,
        total_updates=run.trainer.total_updates,
        height=height,
        font_size=font_size,
        pinned=pinned,
    )
    test_accuracy = history.test_accuracy if len(run.split.X_test) else None
    return figure, loss_alt(history.train_loss, history.test_loss, test_accuracy, shown)


def prediction_view(
    run: LabRun,
    net: Network,
    shown: int,
    height: int,
    font_size: int,
    discretise: bool = False,
    show_test: bool = True,
) -> tuple[go.Figure, str]:
    """The model's predictions in the chart that fits the data.

    Classification of 2 features: the decision boundary over the input plane (`discretise`:
    hard class colours; `show_test`: the test rows drawn too). Classification of more: the
    confusion matrix. Regression of 1 feature: the fitted curve; of more: predicted against
    true.
    """
    dataset, split, history = run.dataset, run.split, run.history
    n_features = dataset.X.shape[1]
    train_loss = float(history.train_loss[shown])
    sizes = {"height": height, "font_size": font_size}
    if run.task != "regression" and n_features == 2:
        grid = plane_grid(split, features=run.features)
        names = class_names(run)
        points = [p for p in labelled_points(run) if show_test or p[2] != "test"]
        figure = boundary_figure(
            grid.x1, grid.x2, output_grid(net, grid), points, class_names=names,
            feature_names=dataset.feature_names, discretise=discretise, **sizes,
        )  # fmt: skip
        return figure, boundary_alt(names, float(history.train_accuracy[shown]), shown)
    if run.task != "regression":
        matrix, part = confusion_matrix(net, split, run.task)
        figure = confusion_figure(matrix, class_names(run), part=part, **sizes)
        return figure, confusion_alt(matrix, part)
    if n_features == 1:
        X_train, Y_train, X_test, Y_test = original_data(split)
        x, y = fitted_curve(net, split)
        figure = fitted_curve_figure(
            X_train[:, 0], Y_train[:, 0], X_test[:, 0], Y_test[:, 0], x, y,
            x_name=dataset.feature_names[0], y_name=dataset.target_names[0], **sizes,
        )  # fmt: skip
        return figure, regression_alt("curve", train_loss, shown)
    figure = predicted_vs_true_figure(
        *predicted_vs_true(net, split), target_name=dataset.target_names[0], **sizes
    )
    return figure, regression_alt("scatter", train_loss, shown)


def network_view(
    run: LabRun, net: Network, shown: int, height: int, font_size: int
) -> tuple[go.Figure, str, str | None]:
    """The network graph of `net` (edge width and colour: weight), each hidden and output
    neuron showing its output over the input plane (2-input data), weights at zero dashed
    (with L1); and a sentence counting those weights (None without L1)."""
    figure = network_figure(
        net.weights, net.biases, input_names=input_names(run),
        output_names=output_names(run), activations=net.activations,
        height=height, font_size=font_size,
    )  # fmt: skip
    grid = thumbnail_grid(run)
    if grid is not None:
        colors = code_colors(CLASS_FILLS[0], MIDDLE_FILL, CLASS_FILLS[1])
        add_thumbnails(figure, net.layer_sizes, neuron_codes(net, grid), colors)
    note = None
    if run.settings.l1 > 0:
        threshold = zero_threshold(run.settings)
        add_zero_weights(figure, net.layer_sizes, zero_weight_masks(net.weights, threshold))
        n_zero, n_total = count_zero_weights(net.weights, threshold)
        note = zero_weights_text(n_zero, n_total, run.settings.l1, threshold)
    return figure, network_alt(net.layer_sizes, net.weights, shown), note


def neuron_label(layer: int, unit: int, n_layers: int) -> str:
    """'hidden layer 1, unit 3' or 'output, unit 1' (units counted from 1, as on the graph)."""
    kind = "output" if layer == n_layers else f"hidden layer {layer}"
    return f"{kind}, unit {unit + 1}"


def neuron_view(
    run: LabRun, net: Network, neuron: tuple[int, int], shown: int, height: int, font_size: int
) -> tuple[go.Figure, str]:
    """Output of `neuron` (layer, unit; layer 1 = first hidden) over the input plane."""
    layer, unit = neuron
    label = neuron_label(layer, unit, len(net.weights))
    grid = plane_grid(run.split, features=run.features)
    values = neuron_grid(net, grid, layer, unit)
    figure = neuron_figure(
        grid.x1, grid.x2, values, labelled_points(run),
        title=f"Output of {label} ({net.activations[layer - 1]})",
        class_names=class_names(run), feature_names=run.dataset.feature_names,
        height=height, font_size=font_size,
    )  # fmt: skip
    return figure, neuron_alt(label, values, shown)


def gradient_view(
    run: LabRun, shown: int, height: int, font_size: int
) -> tuple[go.Figure, str, GradientDiagnosis]:
    """Gradient norm per layer over the updates, and the diagnosis at `shown`."""
    history = run.history
    norms = norms_at(history, shown)
    diagnosis = diagnose_gradients(norms, run.net.activations, run.settings.init)
    figure = gradient_flow_figure(
        history.grad_norms, selected_update=shown if shown < run.trainer.updates else None,
        vanishing=VANISHING_NORM, exploding=EXPLODING_NORM, height=height, font_size=font_size,
    )  # fmt: skip
    return figure, gradient_flow_alt(norms, shown), diagnosis


def hidden_space_view(
    run: LabRun, net: Network, layer: int, shown: int, height: int, font_size: int
) -> tuple[go.Figure, str]:
    """The data in the activation space of 2-unit hidden layer `layer`; when the output
    follows with one unit, the straight line where its z = 0."""
    to_output = layer == len(net.weights) - 1 and net.n_outputs == 1
    figure = hidden_space_figure(
        hidden_space(run, net, layer), layer=layer, activation=net.activations[layer - 1],
        class_names=class_names(run),
        next_weights=net.weights[layer][0] if to_output else None,
        next_bias=float(net.biases[layer][0]) if to_output else None,
        height=height, font_size=font_size,
    )  # fmt: skip
    accuracy = float(run.history.train_accuracy[shown])
    return figure, hidden_space_alt(layer, accuracy, shown)
