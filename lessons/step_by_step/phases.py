"""The phases of one training step, in the order the step-by-step explorer shows them.

For a network with L weight matrices (node layers 0..L): forward through layers 1..L, the
loss, backward through layers L..1 (from the output), then the update. That is 2L + 2 phases.
"""

import re
from dataclasses import dataclass

FORWARD, LOSS, BACKWARD, UPDATE = "forward", "loss", "backward", "update"


@dataclass(frozen=True)
class Phase:
    """One sub-step of a training step.

    `layer` is the node layer being computed (1..L) for forward and backward phases, L for the
    loss and None for the update (every layer changes at once).
    """

    kind: str  # FORWARD, LOSS, BACKWARD or UPDATE
    layer: int | None
    title: str  # for people, e.g. "Forward: hidden layer 1"
    short: str  # for the progress strip, e.g. "F1"

    @property
    def weight_layer(self) -> int | None:
        """Index of the weight matrix W[l] feeding `layer` (layer - 1), or None."""
        return None if self.layer is None or self.kind == LOSS else self.layer - 1


def layer_name(layer: int, n_layers: int) -> str:
    """'input', 'hidden layer k' or 'output' for node layer `layer` of `n_layers` node layers."""
    if layer == 0:
        return "input"
    if layer == n_layers - 1:
        return "output layer"
    return f"hidden layer {layer}"


def phase_sequence(n_weight_layers: int) -> tuple[Phase, ...]:
    """All phases of one training step for a network with `n_weight_layers` weight matrices."""
    if n_weight_layers < 1:
        raise ValueError("A network needs at least one weight matrix.")
    n_layers = n_weight_layers + 1
    phases = [
        Phase(FORWARD, layer, f"Forward: {layer_name(layer, n_layers)}", f"F{layer}")
        for layer in range(1, n_layers)
    ]
    phases.append(Phase(LOSS, n_weight_layers, "Loss", "L"))
    phases += [
        Phase(BACKWARD, layer, f"Backward: {layer_name(layer, n_layers)}", f"B{layer}")
        for layer in range(n_weight_layers, 0, -1)
    ]
    phases.append(Phase(UPDATE, None, "Update the weights", "U"))
    return tuple(phases)


def clamp_phase(index, n_phases: int) -> tuple[int, bool]:
    """`index` (an int or its text, e.g. from a URL) as a valid phase index, and whether it
    had to be changed because it was malformed or out of range."""
    text = str(index).strip()
    if isinstance(index, bool) or not re.fullmatch(r"-?\d{1,9}", text):
        return 0, True
    value = int(text)
    clamped = min(max(value, 0), n_phases - 1)
    return clamped, clamped != value
