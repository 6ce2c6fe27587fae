"""Helpers shared by the benchmarks: timing, machine description, result files.

Every benchmark module exposes `run(quick: bool = False) -> dict` returning
{"name", "title", "columns", "rows", "notes", ...}: `rows` is a list of dicts keyed by the
column names, so `bench/__main__.py` can print any of them as one markdown table.
"""

import datetime
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"


def time_per_call(function: Callable[[], object], calls: int) -> float:
    """Seconds per call of `function`, averaged over `calls` back-to-back calls."""
    start = time.perf_counter()
    for _ in range(calls):
        function()
    return (time.perf_counter() - start) / calls


def calls_for(function: Callable[[], object], target_seconds: float, limit: int = 100_000) -> int:
    """How many back-to-back calls of `function` take about `target_seconds` (at least 1)."""
    function()  # warm up caches and lazy imports
    elapsed = time_per_call(function, 3)
    return max(1, min(limit, int(target_seconds / max(elapsed, 1e-9))))


def quiet_streamlit() -> None:
    """Only errors from Streamlit's loggers (AppTest warns about bare mode on every run)."""
    from streamlit import logger

    logger.set_log_level("error")


def median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def load_average() -> tuple[float, float, float] | None:
    """The 1, 5 and 15 minute load averages, or None where the OS has none."""
    try:
        return os.getloadavg()
    except OSError:
        return None


def blas_info() -> str:
    """The BLAS NumPy links and the thread count it would use (from the environment)."""
    import numpy as np

    try:
        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        name = f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # show_config's layout differs between NumPy versions
        name = "unknown BLAS"
    threads = next(
        (
            f"{var}={os.environ[var]}"
            for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
            if var in os.environ
        ),
        f"no thread variable set (OpenBLAS uses up to {os.cpu_count()} threads)",
    )
    return f"{name}; {threads}"


def machine() -> dict:
    """Where and when the numbers were taken."""
    import numpy as np

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory_gb = None
    try:
        import psutil

        memory_gb = round(psutil.virtual_memory().total / 2**30, 1)
    except ImportError:
        pass
    return {
        "date_utc": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory_gb,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": blas_info(),
        "load_average": load_average(),
    }


def fmt(value: float, digits: int = 1) -> str:
    """A number for a results table: fixed decimals, thousands separators, '-' for missing."""
    if value is None or value != value:  # None or NaN
        return "-"
    return f"{value:,.{digits}f}"


def markdown_table(columns: list[str], rows: list[dict]) -> str:
    """A GitHub markdown table of `rows` (dicts) with the given column order."""
    lines = ["| " + " | ".join(columns) + " |", "| " + " | ".join("---" for _ in columns) + " |"]
    for row in rows:
        lines.append("| " + " | ".join(str(row.get(column, "")) for column in columns) + " |")
    return "\n".join(lines)


def write_json(name: str, payload: dict, folder: Path = RESULTS_DIR) -> Path:
    """Write `payload` to <folder>/<name>.json (bench/results by default); return the path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
    return path
