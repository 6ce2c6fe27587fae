"""Diagnosis of a run's weights and gradients: whether the gradients vanish or explode (and
why), the full-batch gradients, and which weights count as zero."""

import math
from dataclasses import dataclass

import numpy as np

from engine.datasets import Split
from engine.features import PLAIN
from engine.network import Network
from lessons.training_lab.runs import network_inputs
from lessons.training_lab.settings import LabSettings

ZERO_WEIGHT = 1e-3  # |w| at or below this counts as zero (see zero_threshold)
VANISHING_NORM = 1e-6  # a layer's gradient norm below this has vanished
VANISHING_RATIO = 1e-3  # ... or this many times smaller than the largest layer's
EXPLODING_NORM = 1e3  # a layer's gradient norm above this has exploded


def full_batch_gradients(
    net: Network,
    split: Split,
    l2: float = 0.0,
    features: tuple[str, ...] = PLAIN,
    l1: float = 0.0,
) -> list[np.ndarray]:
    """dL/dW of each layer on all training rows, L2 and L1 terms included (as the Trainer
    adds them); shaped like net.weights."""
    trace = net.compute_trace(network_inputs(split.X_train, features), split.Y_train)
    return [layer.dW + l2 * layer.W + l1 * np.sign(layer.W) for layer in trace.layers]


def zero_threshold(settings: LabSettings) -> float:
    """|w| at or below which a weight counts as zero: ZERO_WEIGHT, or one L1 step
    (learning rate x L1), since L1 leaves a weight that reached zero jumping across it."""
    return max(ZERO_WEIGHT, settings.learning_rate * settings.l1)


def zero_weight_masks(weights, threshold: float) -> list[np.ndarray]:
    """Per layer, (n_{l+1}, n_l) booleans: which weights count as zero."""
    return [np.abs(W) <= threshold for W in weights]


def count_zero_weights(weights, threshold: float) -> tuple[int, int]:
    """(weights that count as zero, all weights), over every layer."""
    masks = zero_weight_masks(weights, threshold)
    return int(sum(mask.sum() for mask in masks)), int(sum(mask.size for mask in masks))


@dataclass(frozen=True)
class GradientDiagnosis:
    """Whether the gradients reaching each layer are healthy, vanished or exploded, and why."""

    state: str  # "healthy", "vanishing", "exploding" or "unknown"
    layer: int | None  # 1-based weight layer with the worst norm, if any
    message: str  # one sentence: what happened
    explanation: str  # why it happens and what helps ("" when healthy)


SIGMOID_EXPLANATION = (
    "Backpropagation multiplies the error signal, layer by layer, by each layer's weights and"
    " by its activation's derivative f'(z). The sigmoid's derivative is at most 1/4, so along"
    " one path through n sigmoid layers the signal is multiplied by at most (max|w| / 4)^n,"
    " where max|w| is the largest weight on the path. With the small weights a network starts"
    " with (|w| < 1) that is less than (1/4)^n, and the first layers barely learn."
)
GENERAL_VANISHING = (
    "Backpropagation multiplies the error signal, layer by layer, by each layer's weights and"
    " by its activation's derivative f'(z). When those factors are smaller than 1 (saturated"
    " sigmoid or tanh units, ReLUs that output 0, small weights), the product shrinks"
    " exponentially with depth, and the first layers barely learn."
)
VANISHING_FIX = (
    "What helps: ReLU or leaky ReLU in the hidden layers, Xavier or He initialisation, fewer"
    " layers, or Adam, which rescales each weight's step."
)
ZEROS_EXPLANATION = (
    "With all weights initialised to zero, the error signal sent back through a zero weight"
    " matrix is zero, and every unit of a layer receives the same update, so the units never"
    " become different. Choose Xavier or He initialisation."
)
EXPLODING_EXPLANATION = (
    "Backpropagation multiplies the error signal, layer by layer, by each layer's weights and"
    " by f'(z). When those factors are larger than 1 the product grows exponentially with"
    " depth, and a large learning rate turns large gradients into larger weights, which make the"
    " next gradients larger still. What helps: a smaller learning rate, smaller initial weights"
    " (Xavier), an L2 penalty or Adam."
)


def diagnose_gradients(norms, activations: list[str], init: str | None = None) -> GradientDiagnosis:
    """Diagnose one update's gradient norms (n_layers,), input side first.

    Vanishing: a layer's norm below VANISHING_NORM, or VANISHING_RATIO times smaller than the
    largest. Exploding: a norm above EXPLODING_NORM or not finite.
    """
    if norms is None:
        return GradientDiagnosis("unknown", None, "No update yet: train to see gradients.", "")
    norms = np.asarray(norms, dtype=np.float64)
    if norms.size == 0:
        return GradientDiagnosis("unknown", None, "This network has no weights.", "")
    if not np.all(np.isfinite(norms)) or np.max(norms) > EXPLODING_NORM:
        finite = np.where(np.isfinite(norms), norms, np.inf)
        layer = int(np.argmax(finite)) + 1
        value = norms[layer - 1]
        size = f"{value:.2g}" if np.isfinite(value) else "infinite"
        return GradientDiagnosis(
            "exploding",
            layer,
            f"Exploding gradients: the gradient of layer {layer} has norm {size},"
            f" above {EXPLODING_NORM:g}.",
            EXPLODING_EXPLANATION,
        )
    largest = float(np.max(norms))
    layer = int(np.argmin(norms)) + 1
    smallest = float(norms[layer - 1])
    if largest == 0.0:
        message = "Every weight gradient is exactly 0: no weight can change."
        return GradientDiagnosis(
            "vanishing",
            layer,
            message,
            ZEROS_EXPLANATION if init == "zeros" else GENERAL_VANISHING + " " + VANISHING_FIX,
        )
    vanished = smallest < VANISHING_NORM
    relative = smallest < VANISHING_RATIO * largest
    if not (vanished or relative):
        return GradientDiagnosis(
            "healthy",
            None,
            f"Gradients reach every layer (norms from {smallest:.2g} to {largest:.2g}).",
            "",
        )
    if vanished:
        message = (
            f"Vanishing gradients: the gradient of layer {layer} has norm {smallest:.2g},"
            f" below {VANISHING_NORM:g}."
        )
    else:
        message = (
            f"Vanishing gradients: layer {layer}'s gradient ({smallest:.2g}) is"
            f" {largest / smallest:.2g} times smaller than the largest ({largest:.2g})."
        )
    if init == "zeros":
        explanation = ZEROS_EXPLANATION
    elif "sigmoid" in activations[:-1]:
        explanation = SIGMOID_EXPLANATION + " " + VANISHING_FIX
    else:
        explanation = GENERAL_VANISHING + " " + VANISHING_FIX
    return GradientDiagnosis("vanishing", layer, message, explanation)


def finite_or_none(value: float) -> float | None:
    """`value` as a float, or None when it is NaN or infinite (nothing to show)."""
    value = float(value)
    return value if math.isfinite(value) else None
