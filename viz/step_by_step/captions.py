"""Words of the step page built from its state: weight names, chart text alternatives, the
batch notes. Pure text, so tests compare it with the trace and the page only places it."""

from collections.abc import Sequence

from lessons.step_by_step.phases import BACKWARD, FORWARD, LOSS, UPDATE, Phase
from viz.format import format_number
from viz.step_by_step.tables import progress_strip

# What the graph's edges show in each kind of phase.
EDGE_QUANTITY = {FORWARD: "w", LOSS: "w", BACKWARD: "dL/dw", UPDATE: "w_new"}


def weight_label(weight: tuple[int, int, int]) -> str:
    """'w(l) j,k: unit k of layer l-1 → unit j' for W[layer][row, col] (1-based in the text)."""
    layer, row, col = weight
    return f"w({layer + 1}) {row + 1},{col + 1}: unit {col + 1} of layer {layer} → unit {row + 1}"


def graph_alt(
    layer_sizes: Sequence[int], phase: Phase, description: str, sample_row: int, n_rows: int
) -> str:
    """The network graph's text alternative: the network, the phase, what nodes and edges show."""
    shown = "delta" if phase.kind == BACKWARD else "a"
    sample_note = f" of example {sample_row + 1}" if n_rows > 1 else ""
    sizes_text = "-".join(str(size) for size in layer_sizes)
    return (
        f"Network graph of the {sizes_text} network, phase '{phase.title}'."
        f" {description} Nodes show {shown}{sample_note}; edges show {EDGE_QUANTITY[phase.kind]}"
        " (width: size; line style and colour: sign, solid blue positive, dashed red"
        " negative); small squares are biases. Hover for exact values; click an edge's"
        " marker to inspect it."
    )


def history_alt(history: Sequence[tuple[int, float]], steps_done: int) -> str:
    """The loss-history chart's text alternative: the first and the latest loss."""
    (first_step, first), (_, now) = history[0], history[-1]
    return (
        f"Loss after each training step: {format_number(first)} at step {first_step},"
        f" {format_number(now)} now after {steps_done} step(s)."
        " 'Undo step' goes back to the weights before the last update."
    )


def batch_note(batch: bool, sample_row: int, n_rows: int) -> str | None:
    """What batch mode (or single-example mode with several rows) means here; None for one row."""
    if batch:
        return (
            f"Batch mode: all {n_rows} examples go through the network together. The loss"
            f" is the mean over the batch, so every gradient is the mean of the {n_rows}"
            " per-example gradients (each delta carries a factor 1/N)."
        )
    if n_rows > 1:
        return (
            f"Single-example mode: example {sample_row + 1} of {n_rows}. Switch on batch"
            " mode to use all of them."
        )
    return None


def update_note(weight: tuple[int, int, int]) -> str:
    """Under the update phase's title: which weight its equations show and how to pick another."""
    return (
        f"Showing {weight_label(weight)}. Click another edge in the graph or pick one in"
        " the weight inspector."
    )


def inspector_batch_note(n_samples: int) -> str:
    """How the inspector's per-sample factors make a batch gradient."""
    return (
        f"Batch mode: the factors are computed per sample and the {n_samples}"
        " products are summed (each delta already includes the 1/N of the mean loss)."
    )


INSPECTOR_HELP = (
    "Choose a weight by clicking the small marker on its edge in the graph, or here, to see"
    " its whole chain rule."
)
SNIPPET_NOTE = (
    "The snippet rebuilds this network and batch with the engine (run it from the project folder):"
)


def inspector_metrics(
    gradient: float, numerical: float, new_weight: float
) -> list[tuple[str, str]]:
    """(label, value) of the inspector's three numbers: backprop and finite-difference dL/dw, and
    the updated weight."""
    return [
        ("dL/dw (backprop)", format_number(gradient, 6)),
        ("dL/dw (finite difference)", format_number(numerical, 6)),
        ("new w", format_number(new_weight)),  # bench/vstudents reads this label
    ]


def step_heading(step: int, phase_index: int, phases: Sequence[Phase]) -> str:
    """Markdown above the controls: training step (1-based), phase k of n, the progress strip."""
    return (
        f"**Training step {step + 1}** · phase {phase_index + 1} of {len(phases)}  \n"
        + progress_strip(tuple(phases), phase_index)
    )


MATRIX_ORIENTATION = (
    "Batch form Z = A Wᵀ + b, the form these tables and the exports use: z, a and delta have"
    " one row per example and one column per unit j; W, dW and W_new have one row per unit j"
    " of this layer and one column per input k (w_jk is row j, column k); b and dL/db have one"
    " row per unit. For one example the equations write the same as column vectors, z = W a + b."
)

TABLES_HELP = (
    "Type a number in any cell. The step restarts from the values here; an empty or"
    " non-numeric cell is reported and the last valid values are kept."
)
