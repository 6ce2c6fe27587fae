"""Run the benchmarks and write bench/results/results.md and one JSON file per benchmark.

    .venv/bin/python -m bench                    # everything (make bench)
    .venv/bin/python -m bench engine memory      # only some (names in BENCHMARKS below)
    .venv/bin/python -m bench --quick            # tiny repeat counts, to check the harness

The machine, date, BLAS and load average are recorded with the numbers.
"""

import argparse
import importlib
import sys
import time
from pathlib import Path

from bench.common import RESULTS_DIR, machine, markdown_table, write_json

BENCHMARKS = (
    "engine",
    "pages",
    "browser",
    "memory",
    "step_click",
    "lab_play",
    "protocol",
    "class_room",
)
MODULES = {
    "engine": "bench.engine_step",
    "pages": "bench.pages",
    "browser": "bench.browser",
    "memory": "bench.memory",
    "step_click": "bench.step_click",
    "lab_play": "bench.lab_play",
    "protocol": "bench.protocol_load",  # virtual students, 1 and 2 replicas (~10 min; make load)
    "class_room": "bench.class_room",  # a class room of 100 virtual students, idle and answering
}


def render(result: dict) -> str:
    """One benchmark's result as markdown: title, table(s) and notes."""
    parts = [f"### {result['title']}", "", markdown_table(result["columns"], result["rows"])]
    for extra in result.get("extra_tables", []):
        parts += ["", f"**{extra['title']}**", "", markdown_table(extra["columns"], extra["rows"])]
    if result.get("notes"):
        parts += [""] + [f"- {note}" for note in result["notes"]]
    return "\n".join(parts)


def render_machine(info: dict) -> str:
    load = info.get("load_average")
    load_text = ", ".join(f"{x:.1f}" for x in load) if load else "unknown"
    return (
        f"Measured {info['date_utc']} on {info['cpu']} ({info['cores']} cores,"
        f" {info['memory_gb']} GB), {info['os']}, Python {info['python']}, NumPy"
        f" {info['numpy']} ({info['blas']}). Load average at the start (1, 5, 15 min):"
        f" {load_text}."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("which", nargs="*", help=f"any of {', '.join(BENCHMARKS)} (default: all)")
    parser.add_argument("--quick", action="store_true", help="tiny repeat counts")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="folder for the results")
    args = parser.parse_args(argv)
    unknown = [name for name in args.which if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {BENCHMARKS}")
    chosen = args.which or list(BENCHMARKS)
    info = machine()
    sections = [render_machine(info)]
    print(sections[0], flush=True)
    for name in chosen:
        started = time.perf_counter()
        print(f"\n== {name} ...", flush=True)
        result = importlib.import_module(MODULES[name]).run(quick=args.quick)
        result["machine"] = info
        result["seconds"] = time.perf_counter() - started
        result["load_average_after"] = machine()["load_average"]
        write_json(name, result, args.out)
        text = render(result)
        sections.append(text)
        print(text, flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    suffix = "" if set(chosen) == set(BENCHMARKS) else "-" + "-".join(chosen)
    path = args.out / f"results{suffix}.md"
    path.write_text("\n\n".join(sections) + "\n", encoding="utf-8")
    print(f"\nwritten: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
