"""Everything the browser step player needs to show one training step, as plain JSON data.

Design: a training step's phases are sent to the browser once, and the browser steps, animates
and narrates them by itself; the server is asked again only for a new training step, an edit
or a scenario change (see app_pages/components/step_player/). This module only describes the
step: the network's layers, every value of the trace (numbers for hover at full precision,
4-significant-figure labels for the graph), and for each phase what is shown, what is lit,
how the transition into it moves, its narration and its quiz question.

Shapes: values["a"][l] is (n_l,) for node layer l (the input included); values["z"] and
values["delta"] have None for the input layer; values["W"][k], ["dW"][k], ["W_new"][k] are
(n_{k+1}, n_k) nested lists; values["b"][k], ["db"][k], ["b_new"][k] are (n_{k+1},).
Non-finite numbers travel as None (JSON has no NaN) with their label in words.
"""

import hashlib
import math
from collections.abc import Sequence

import numpy as np

from engine.trace import StepTrace
from lessons.step_by_step.phases import BACKWARD, FORWARD, LOSS, Phase
from lessons.step_by_step.quiz import Question
from viz.format import format_number

GRAPH_DIGITS = 4  # significant figures printed on the graph (hover shows full precision)
LABEL_EDGE_LIMIT = 24  # edges get a printed value only when the network has at most this many
BIAS_LABEL_UNIT_LIMIT = 6  # biases get a printed value only when no layer has more units
INSIDE_LABEL_UNIT_LIMIT = 8  # node values sit inside the circles up to this many units a layer
ANIMATED_EDGE_LIMIT = 600  # above this many edges the player shows still phases and says so
MOTION_SECONDS = 0.6  # one transition at 1x speed (the issue asks for 0.4-0.8 s)
PLAY_SECONDS = 1.8  # time per phase when auto-playing at 1x
SPEEDS = (0.5, 0.75, 1.0, 1.5, 2.0)
PRESENTER_FONT_PX = 20  # smallest number on the graph in presenter mode (>= 18 px)
NORMAL_FONT_PX = 14  # smallest number on the graph otherwise (legible at 1280x720)


def _plain(values: np.ndarray) -> list:
    """Nested lists of floats, None where not finite."""
    array = np.asarray(values, dtype=float)
    as_object = array.astype(object)
    as_object[~np.isfinite(array)] = None
    return as_object.tolist()


def _labels(values: np.ndarray, printed: bool = True) -> list:
    """Nested lists of graph labels (GRAPH_DIGITS significant figures, words for NaN/inf).

    With `printed` False (values the graph does not print, e.g. edges at the caps) only the
    non-finite ones get their words, for hover; the rest stay empty (formatting thousands of
    numbers nobody sees is most of the data's build time at the caps)."""
    array = np.asarray(values, dtype=float)
    if not printed:
        labels = np.full(array.shape, "", dtype=object)
        for index in zip(*np.nonzero(~np.isfinite(array)), strict=True):
            labels[index] = format_number(array[index], GRAPH_DIGITS)
        return labels.tolist()
    return np.vectorize(lambda v: format_number(v, GRAPH_DIGITS), otypes=[object])(array).tolist()


def _peak(arrays: Sequence[np.ndarray]) -> float:
    """Largest finite magnitude of `arrays` (1.0 when there is none), for colour and width."""
    values = np.concatenate([np.ravel(np.asarray(a, dtype=float)) for a in arrays])
    values = values[np.isfinite(values)]
    peak = float(np.max(np.abs(values))) if values.size else 0.0
    return peak if peak > 0 else 1.0


def _unit_names(
    layer_sizes: Sequence[int], input_names: Sequence[str] | None, output_names
) -> list[list[str]]:
    """Name of every unit for hover text, e.g. 'input x1', 'unit 2 of layer 1', 'output o1'."""
    last = len(layer_sizes) - 1
    names = []
    for layer, size in enumerate(layer_sizes):
        row = []
        for unit in range(size):
            if layer == 0 and input_names is not None and unit < len(input_names):
                row.append(f"input {input_names[unit]}")
            elif layer == last and output_names is not None and unit < len(output_names):
                row.append(f"output {output_names[unit]}")
            else:
                row.append(f"unit {unit + 1} of layer {layer}")
        names.append(row)
    return names


def _layer_titles(n_layers: int, activations: Sequence[str]) -> list[str]:
    titles = []
    for layer in range(n_layers):
        name = "input" if layer == 0 else "output" if layer == n_layers - 1 else f"hidden {layer}"
        if layer > 0:
            name += f" ({activations[layer - 1]})"
        titles.append(name)
    return titles


def phase_spec(phase: Phase, n_weight_layers: int) -> dict:
    """What the player shows in `phase` and how it moves into it.

    nodes: which quantity the nodes print ("a" or "delta") and for which node layers; edges:
    which quantity colours the edges ("W", "dW" or "W_new") and which weight layers show it
    (the others are drawn grey: their values are not known yet in this phase); motion: how the
    transition into this phase moves (forward: values travel along weight layer k into the next
    layer; backward: deltas travel back from node layer k+1 to k; update: edges morph from W
    to W_new).
    """
    every_layer = list(range(n_weight_layers + 1))
    every_weight_layer = list(range(n_weight_layers))
    spec = {
        "title": phase.title,
        "short": phase.short,
        "kind": phase.kind,
        "layer": phase.layer,
        "highlight": phase.layer,
    }
    if phase.kind == FORWARD:
        spec |= {
            "node_quantity": "a",
            "node_layers": list(range(phase.layer + 1)),
            "edge_quantity": "W",
            "edge_layers": every_weight_layer,
            "bias_quantity": "b",
            "motion": {"kind": "forward", "weight_layer": phase.layer - 1},
        }
    elif phase.kind == LOSS:
        spec |= {
            "node_quantity": "a",
            "node_layers": every_layer,
            "edge_quantity": "W",
            "edge_layers": every_weight_layer,
            "bias_quantity": "b",
            "motion": {"kind": "loss", "weight_layer": n_weight_layers - 1},
        }
    elif phase.kind == BACKWARD:
        spec |= {
            "node_quantity": "delta",
            "node_layers": list(range(phase.layer, n_weight_layers + 1)),
            "edge_quantity": "dW",
            "edge_layers": list(range(phase.layer - 1, n_weight_layers)),
            "bias_quantity": "db",
            # Into the output layer the error comes from the loss, not through weights.
            "motion": {"kind": "backward", "weight_layer": phase.layer},
        }
    else:
        spec |= {
            "node_quantity": "a",
            "node_layers": every_layer,
            "edge_quantity": "W_new",
            "edge_layers": every_weight_layer,
            "bias_quantity": "b_new",
            "highlight": None,
            "motion": {"kind": "update", "weight_layer": None},
        }
    return spec


def step_token(trace: StepTrace, step: int, sample: int, start_phase: int = 0) -> str:
    """A short id of this training step's numbers and starting phase: the player keeps the
    phase stepped in the browser while it holds, and starts afresh when it changes."""
    digest = hashlib.sha1(f"{step}|{sample}|{start_phase}|{trace.learning_rate!r}".encode())
    for record in trace.layers:
        digest.update(np.ascontiguousarray(record.W).tobytes())
        digest.update(np.ascontiguousarray(record.b).tobytes())
    digest.update(np.ascontiguousarray(trace.X).tobytes())
    digest.update(np.ascontiguousarray(trace.Y).tobytes())
    return digest.hexdigest()[:12]


def player_data(
    trace: StepTrace,
    phases: Sequence[Phase],
    *,
    narration: Sequence[str],
    questions: Sequence[Question] = (),
    sample: int = 0,
    step: int = 0,
    start_phase: int = 0,
    input_names: Sequence[str] | None = None,
    output_names: Sequence[str] | None = None,
    diverged: str | None = None,
    presenter: bool = False,
    quiz: bool = False,
    selected: tuple[int, int, int] | None = None,
) -> dict:
    """The JSON data of the browser player for the training step recorded in `trace`.

    `narration`: one text per phase; `questions`: the quiz (shown only when `quiz`); `sample`:
    the example whose values the nodes show; `start_phase`: where a fresh player starts (a
    player already on this step keeps its own phase); `diverged`: the message shown instead of
    animating when the step cannot be taken.
    """
    if len(narration) != len(phases):
        raise ValueError("One narration text per phase is needed.")
    layers = trace.layers
    sample = min(max(int(sample), 0), trace.n_samples - 1)
    layer_sizes = [int(trace.X.shape[1])] + [int(record.W.shape[0]) for record in layers]
    n_edges = sum(record.W.size for record in layers)
    a = [trace.X[sample]] + [record.a[sample] for record in layers]
    z = [record.z[sample] for record in layers]
    delta = [record.delta[sample] for record in layers]
    values, labels = {}, {}
    for name, arrays in (
        ("a", a),
        ("z", z),
        ("delta", delta),
        ("W", [r.W for r in layers]),
        ("dW", [r.dW for r in layers]),
        ("W_new", [r.W_new for r in layers]),
        ("b", [r.b for r in layers]),
        ("db", [r.db for r in layers]),
        ("b_new", [r.b_new for r in layers]),
    ):
        printed = n_edges <= LABEL_EDGE_LIMIT or name not in ("W", "dW", "W_new")
        values[name] = [_plain(array) for array in arrays]
        labels[name] = [_labels(array, printed) for array in arrays]
    # z and delta have nothing for the input layer: pad so index = node layer everywhere.
    for name in ("z", "delta"):
        values[name].insert(0, None)
        labels[name].insert(0, None)
    peaks = {
        "W": _peak([r.W for r in layers] + [r.b for r in layers]),
        "dW": _peak([r.dW for r in layers] + [r.db for r in layers]),
        "W_new": _peak([r.W_new for r in layers] + [r.b_new for r in layers]),
    }
    by_phase = {question.phase: question.to_dict() for question in questions}
    specs = []
    for index, (phase, text) in enumerate(zip(phases, narration, strict=True)):
        spec = phase_spec(phase, len(layers))
        spec["narration"] = text
        spec["question"] = by_phase.get(index)
        specs.append(spec)
    animated = n_edges <= ANIMATED_EDGE_LIMIT and diverged is None
    max_units = max(layer_sizes)
    return {
        "token": step_token(trace, step, sample, start_phase),
        "step": int(step),
        "start_phase": min(max(int(start_phase), 0), len(phases) - 1),
        "layer_sizes": layer_sizes,
        "layer_titles": _layer_titles(len(layer_sizes), [r.activation for r in layers]),
        "unit_names": _unit_names(layer_sizes, input_names, output_names),
        "input_names": list(input_names or []),
        "output_names": list(output_names or []),
        "targets": _plain(trace.Y[sample]),
        "target_labels": _labels(trace.Y[sample]),
        "loss": None if not math.isfinite(trace.loss) else float(trace.loss),
        "loss_label": format_number(trace.loss, GRAPH_DIGITS),
        "learning_rate": float(trace.learning_rate),
        "values": values,
        "labels": labels,
        "peaks": peaks,
        "phases": specs,
        "show_edge_labels": n_edges <= LABEL_EDGE_LIMIT,
        "show_bias_labels": max_units <= BIAS_LABEL_UNIT_LIMIT,
        "labels_inside": max_units <= INSIDE_LABEL_UNIT_LIMIT,
        "animated": animated,
        "still_reason": None
        if animated
        else (
            "This step diverged, so it is shown without motion."
            if diverged is not None
            else f"This network has {n_edges} weights (more than {ANIMATED_EDGE_LIMIT}):"
            " its phases are shown as still pictures, without motion."
        ),
        "diverged": diverged,
        "motion_seconds": MOTION_SECONDS,
        "play_seconds": PLAY_SECONDS,
        "speeds": list(SPEEDS),
        "font_px": PRESENTER_FONT_PX if presenter else NORMAL_FONT_PX,
        "presenter": bool(presenter),
        "quiz": bool(quiz),
        "selected": list(selected) if selected is not None else None,
    }
