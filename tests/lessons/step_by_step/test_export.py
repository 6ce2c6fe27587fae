"""Exports of a step: JSON, CSV, weights, LaTeX and a Python snippet that really runs."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine import Network
from lessons.step_by_step import export
from lessons.step_by_step.presets import housing_scenario, textbook_222, xor_scenario

ROOT = Path(__file__).resolve().parents[3]


def _trace(scenario):
    return scenario.network.compute_trace(scenario.X, scenario.Y, scenario.learning_rate)


def test_trace_json_holds_every_layer_quantity():
    scenario = xor_scenario()
    trace = _trace(scenario)
    data = json.loads(export.trace_to_json(trace))
    assert data["loss"] == pytest.approx(trace.loss)
    assert data["learning_rate"] == scenario.learning_rate
    assert len(data["layers"]) == 2
    for record, exported in zip(trace.layers, data["layers"], strict=True):
        for field in export.LAYER_FIELDS:
            np.testing.assert_allclose(np.array(exported[field]), getattr(record, field))
        assert exported["activation"] == record.activation


def test_non_finite_values_become_null_not_nan():
    trace = _trace(textbook_222())
    bad = trace.layers[0].__class__(
        **{**trace.layers[0].__dict__, "delta": np.array([[np.nan, np.inf]])}
    )
    broken = trace.__class__(**{**trace.__dict__, "layers": (bad, trace.layers[1])})
    text = export.trace_to_json(broken)
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text)["layers"][0]["delta"] == [[None, None]]
    assert "nan" not in export.trace_to_csv(broken).lower()


def test_trace_csv_rows_match_the_trace():
    scenario = housing_scenario()
    trace = _trace(scenario)
    rows = list(csv.DictReader(io.StringIO(export.trace_to_csv(trace))))
    loss = [row for row in rows if row["quantity"] == "loss"]
    assert float(loss[0]["value"]) == trace.loss
    dW = {
        (int(r["row"]), int(r["col"])): float(r["value"])
        for r in rows
        if r["quantity"] == "dW" and r["layer"] == "1"
    }
    for (j, k), value in np.ndenumerate(trace.layers[0].dW):
        assert dW[(j + 1, k + 1)] == value
    z = [r for r in rows if r["quantity"] == "z" and r["layer"] == "2"]
    assert float(z[0]["value"]) == trace.layers[1].z[0, 0]


def test_weights_json_rebuilds_the_network():
    net = textbook_222().network
    text = export.weights_to_json(net.weights, net.biases, net.activations, net.loss_name)
    data = json.loads(text)
    rebuilt = Network.from_parameters(data["weights"], data["biases"], data["activations"])
    for W, W_rebuilt in zip(net.weights, rebuilt.weights, strict=True):
        np.testing.assert_array_equal(W, W_rebuilt)
    assert data["layer_sizes"] == [2, 2, 2]


def test_latex_document_drops_screen_only_sizing():
    text = export.latex_document([("long", r"\small \begin{aligned} a &= b \end{aligned}")])
    assert r"\small" not in text
    assert r"\begin{aligned} a &= b \end{aligned}" in text


def test_latex_document_escapes_captions():
    text = export.latex_document([("50% of x_1 & more", r"z = 1")])
    assert r"50\% of x\_1 \& more" in text
    assert text.startswith(r"\documentclass") and r"\end{document}" in text
    assert "\\[\nz = 1\n\\]" in text


@pytest.mark.parametrize("make", [textbook_222, xor_scenario, housing_scenario])
def test_python_snippet_runs_and_reproduces_the_step(make, tmp_path):
    scenario = make()
    net = scenario.network
    trace = _trace(scenario)
    snippet = export.python_snippet(
        net.weights, net.biases, net.activations, net.loss_name, scenario.X, scenario.Y,
        scenario.learning_rate,
    )  # fmt: skip
    script = tmp_path / "snippet.py"
    script.write_text(snippet)
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"loss {trace.loss!r}"
    last = trace.layers[-1]
    assert f"layer {len(trace.layers)} W_new {last.W_new.tolist()}" in lines


def test_python_snippet_refuses_odd_names():
    net = textbook_222().network
    with pytest.raises(ValueError):
        export.python_snippet(
            net.weights, net.biases, ["sigmoid", "x'); import os"], "squared_error",
            [[0.0, 0.0]], [[0.0, 0.0]], 0.1,
        )  # fmt: skip


def test_every_export_uses_the_batch_orientation_of_the_tables():
    scenario = xor_scenario()
    trace = _trace(scenario)  # four examples, 2-2-1
    hidden = trace.layers[0]
    data = json.loads(export.trace_to_json(trace))
    assert "Z = A W^T + b" in data["orientation"]
    z = np.array(data["layers"][0]["z"])
    assert z.shape == (4, 2)  # one row per example
    np.testing.assert_allclose(
        z, np.array(data["X"]) @ np.array(data["layers"][0]["W"]).T + hidden.b
    )
    rows = list(csv.DictReader(io.StringIO(export.trace_to_csv(trace))))
    z_rows = [r for r in rows if r["quantity"] == "z" and r["layer"] == "1"]
    for r in z_rows:  # like X: the example in `sample`, the unit in `col`
        assert r["row"] == ""
        assert float(r["value"]) == hidden.z[int(r["sample"]) - 1, int(r["col"]) - 1]
    x_rows = [r for r in rows if r["quantity"] == "X"]
    assert {(r["row"], r["col"]) for r in x_rows} == {("", "1"), ("", "2")}
    W_rows = [r for r in rows if r["quantity"] == "W" and r["layer"] == "1"]
    for r in W_rows:  # a unit j per row, an input k per column
        assert r["sample"] == ""
        assert float(r["value"]) == hidden.W[int(r["row"]) - 1, int(r["col"]) - 1]
    latex = export.latex_document([("forward", "z = 1")])
    assert r"$Z = A\,W^{\top} + b$: one row per example" in latex
