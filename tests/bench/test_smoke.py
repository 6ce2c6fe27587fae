"""Smoke tests of the benchmarks: each runs with tiny counts and returns well-formed results.

Speed is measured in bench/, never asserted here: these tests check that the harness works
and that the comparison implementations compute the same step as the engine.
"""

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bench import __main__ as bench_main
from bench import engine_step, memory, pages
from bench.common import markdown_table
from engine import Network

ROOT = Path(__file__).resolve().parents[2]


def _well_formed(result: dict) -> None:
    assert result["rows"], "a benchmark must produce at least one row"
    for row in result["rows"]:
        assert set(row) <= set(result["columns"])
    table = markdown_table(result["columns"], result["rows"])
    assert table.count("\n") == len(result["rows"]) + 1
    json.dumps(result, default=str)  # serialisable for bench/results/*.json


def test_engine_benchmark_runs_and_every_implementation_reaches_the_engines_weights():
    result = engine_step.run(quick=True)
    _well_formed(result)
    for row in result["rows"]:
        assert row["same weights"] == "yes", row
        assert float(row["traced µs"].replace(",", "")) > 0
    for table in result["extra_tables"]:
        _well_formed(table)


@pytest.mark.parametrize("case", engine_step.CASES, ids=lambda case: case.label)
def test_lean_loop_matches_train_step_for_every_case(case):
    X, Y = engine_step.make_batch(case)
    net = engine_step.make_network(case)
    lean = engine_step.lean_step_factory(engine_step.make_network(case), X, Y, 0.1)
    for _ in range(2):
        trace = net.train_step(X, Y, 0.1)
        loss = lean()
        assert loss == pytest.approx(trace.loss, rel=1e-12)
    for W_engine, W_lean in zip(net.weights, lean.weights, strict=True):
        np.testing.assert_allclose(W_lean, W_engine, rtol=1e-12, atol=1e-15)


def test_torch_step_matches_train_step_when_torch_is_installed():
    pytest.importorskip("torch")
    case = engine_step.CASES[3]
    X, Y = engine_step.make_batch(case)
    net = engine_step.make_network(case)
    step = engine_step.torch_step_factory(engine_step.make_network(case), X, Y, 0.1)
    trace = net.train_step(X, Y, 0.1)
    assert step() == pytest.approx(trace.loss, rel=1e-10)
    for W_engine, W_torch in zip(net.weights, step.weights, strict=True):
        np.testing.assert_allclose(W_torch.detach().numpy(), W_engine, rtol=1e-10)


def test_page_list_comes_from_the_router_and_a_rerun_is_timed():
    files = pages.page_files()
    assert "app_pages/home.py" in files and "app_pages/step_by_step.py" in files
    result = pages.time_scenario(pages.Scenario("app_pages/home.py", "default, rerun"), repeats=2)
    assert result.get("error") is None and not result["errors"]
    assert result["ms"] > 0 and math.isfinite(result["ms"])


def test_deep_size_counts_array_buffers_once():
    array = np.zeros((100, 100))
    single = memory.deep_size(array)
    assert single >= array.nbytes
    both = memory.deep_size({"a": array, "view": array[:10], "again": array})
    assert array.nbytes <= both < 2 * array.nbytes
    net = Network([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    assert memory.deep_size(net) >= sum(W.nbytes for W in net.weights)


def test_memory_engine_rows_are_well_formed():
    rows = memory.engine_rows(quick=True)
    result = {"columns": ["what", "MB", "how", "budget"], "rows": rows}
    _well_formed(result)
    assert all(float(row["MB"]) > 0 for row in rows)


def test_main_writes_markdown_and_json(tmp_path):
    assert bench_main.main(["--quick", "--out", str(tmp_path), "engine"]) == 0
    text = (tmp_path / "results-engine.md").read_text()
    assert "Measured" in text and "| case |" in text
    data = json.loads((tmp_path / "engine.json").read_text())
    assert data["rows"] and data["machine"]["cores"]


@pytest.mark.e2e
def test_browser_benchmark_runs_against_a_real_server():
    # In a child process: the browser tests' session-wide Playwright (sync API) is still
    # running in this one, and a second sync Playwright cannot start inside its event loop.
    code = "import json; from bench import browser; print(json.dumps(browser.run(quick=True)))"
    child = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert child.returncode == 0, child.stderr[-3000:]
    result = json.loads(child.stdout.strip().splitlines()[-1])
    _well_formed(result)
    next_click, play = result["raw"]
    assert next_click["ms"] > 0 and not next_click["errors"]
    # The counter was found and read (how many redraws fit in 2 s depends on the machine's load).
    assert play["updates_per_s"] is not None and play["redraws_per_s"] >= 0


def test_make_bench_measures_with_the_servers_allocator_settings():
    production = dict(
        line.split("=", 1)
        for line in (ROOT / "deploy" / "production.env").read_text().splitlines()
        if line.startswith("MALLOC_")
    )
    assert production == engine_step.SERVER_MALLOC
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nbench:", 1)[1].split("\n\n", 1)[0]
    for name, value in production.items():
        assert f"{name}={value}" in recipe
