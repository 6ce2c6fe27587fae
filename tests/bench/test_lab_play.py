"""bench/lab_play.py: Play's server-cost benchmark runs against a real server and browser."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import __main__ as bench_main

ROOT = Path(__file__).resolve().parents[2]


def test_lab_play_is_a_registered_benchmark():
    assert bench_main.MODULES["lab_play"] == "bench.lab_play"
    assert "lab_play" in bench_main.BENCHMARKS


@pytest.mark.e2e
def test_lab_play_measures_cpu_redraws_and_updates_in_a_real_browser():
    # In a child process: the browser tests' session-wide sync Playwright may be running here.
    code = "import json; from bench import lab_play; print(json.dumps(lab_play.run(quick=True)))"
    child = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert child.returncode == 0, child.stderr[-3000:]
    result = json.loads(child.stdout.strip().splitlines()[-1])
    (measured,) = result["raw"]
    assert not measured["errors"]
    # Numbers were read (their size depends on the machine's load, never asserted).
    assert measured["cpu_share"] > 0 and measured["redraws_per_s"] > 0
    assert measured["updates_per_s"] > 0 and measured["seconds"] > 1
    assert len(result["rows"]) == 1 and result["columns"][0] == "scenario"
