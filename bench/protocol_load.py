"""Protocol-level load test: virtual students speak Streamlit's WebSocket protocol, no browser.

    .venv/bin/python -m bench.protocol_load table      # K = 1..80 on 1 and 2 replicas, ~10 min
    .venv/bin/python -m bench.protocol_load class30    # 20 stepping, 10 lab (5 play), 2 replicas
    .venv/bin/python -m bench.protocol_load drop       # half the players close their tab mid-Play
    .venv/bin/python -m bench.protocol_load faults     # hostile messages while others work
    .venv/bin/python -m bench.protocol_load compare    # against bench/load.py's browsers
    .venv/bin/python -m bench.protocol_load smoke      # K=3 for a few seconds
    make load                                          # table, class30, drop, faults: ~15 min

Each scenario starts fresh servers (deploy/replicas.py's settings and warm-up; nginx in
front of 2 replicas) serving the app *as committed* (`git archive HEAD` into a temp folder,
so files being edited do not leave their mark; `--working-tree` serves the files as they
are). The students (bench/vstudents/) live in this one asyncio process. Results:
bench/results/protocol_load-<scenario>.json and .md; the table also draws
docs/load-chart.svg. Only loopback servers; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from bench.common import RESULTS_DIR, ROOT, machine, markdown_table
from bench.vstudents.chart import load_chart_svg
from bench.vstudents.faults import run_faults
from bench.vstudents.scenario import ClassReport, run_class
from bench.vstudents.servers import PROJECT_ROOT, committed_snapshot, serving
from bench.vstudents.students import (
    Mix,
    Timing,
    class_mix,
    rapid_stepping_student,
)

KS = (1, 5, 10, 20, 30, 50, 80)
CHART = ROOT / "docs" / "load-chart.svg"
CLASS_OF_30 = Mix(stepping=20, lab=5, playing=5)
NICENESS: int | None = None  # --boost sets -10: servers and students ahead of other jobs
TABLE_COLUMNS = [
    "replicas", "K", "mix", "clicks", "p50", "p95", "max", "join p95", "errors",
    "Play redraws/s", "server CPU", "CPU/click", "RSS idle -> peak", "per student",
]  # fmt: skip


def _ms(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms"


def table_row(report: ClassReport) -> dict:
    """One ClassReport as a row of the README's table."""
    redraws, frames = report.redraws_per_s_per_player, report.frames_per_s_per_player
    play = "-" if redraws is None else f"{redraws:.2f}"
    if frames:
        play += f" ({frames:.1f} frames)"
    return {
        "replicas": report.replicas,
        "K": report.students,
        "mix": report.mix,
        "clicks": report.actions,
        "p50": _ms(report.p50_ms),
        "p95": _ms(report.p95_ms),
        "max": _ms(report.max_ms),
        "join p95": _ms(report.open_p95_ms),
        "errors": report.errors,
        "Play redraws/s": play,
        "server CPU": f"{report.server_cpu_percent:.0f} %",
        "CPU/click": _ms(report.cpu_ms_per_action),
        "RSS idle -> peak": f"{report.rss_idle_mb:.0f} -> {report.rss_peak_mb:.0f} MB",
        "per student": f"{report.rss_per_student_mb:.1f} MB",
    }


def _app_root(working_tree: bool, folder: Path) -> tuple[Path, str]:
    if working_tree:
        return PROJECT_ROOT, "working tree"
    return committed_snapshot(folder)


async def _one_class(app_root: Path, replicas: int, mix: Mix, seconds: float, join: float,
                     seed: int, **kwargs) -> ClassReport:  # fmt: skip
    with serving(replicas, app_root=app_root, niceness=NICENESS) as cluster:
        report, _ = await run_class(cluster, mix, seconds, join, seed=seed, **kwargs)
    return report


def scenario_table(app_root: Path, ks=KS, replica_counts=(1, 2), seconds=30.0, join=5.0):
    """Every K on fresh servers (so memory per student is not left over from the last K)."""
    reports = []
    for replicas in replica_counts:
        for k in ks:
            print(f"  {replicas} replica(s), K={k}: {class_mix(k).describe()}", flush=True)
            report = asyncio.run(_one_class(app_root, replicas, class_mix(k), seconds, join, k))
            print(f"    {table_row(report)}", flush=True)
            reports.append(report)
    return reports


def scenario_class30(app_root: Path, seconds: float = 60.0) -> ClassReport:
    return asyncio.run(_one_class(app_root, 2, CLASS_OF_30, seconds, 5.0, seed=30))


def scenario_drop(app_root: Path, players: int = 6, replicas: int = 2) -> dict:
    """`players` students press Play; half close their tab 15 s in; CPU and memory after."""

    async def run() -> dict:
        with serving(replicas, app_root=app_root, niceness=NICENESS) as cluster:
            idle = cluster.sample()
            report, results = await run_class(
                cluster, Mix(playing=players), seconds=30, join_seconds=5, seed=7,
                drop_fraction=0.5, drop_after=15,
            )  # fmt: skip
            await asyncio.sleep(10)  # everyone has left: what stays?
            rest = [cluster.sample()]
            await asyncio.sleep(5)
            rest.append(cluster.sample())
        samples = report.samples

        def cpu(start: float, end: float) -> float:
            inside = [s for s in samples if start <= s["at"] <= end]
            first, last = inside[0], inside[-1]
            return 100 * (last["replica_cpu"] - first["replica_cpu"]) / (last["at"] - first["at"])

        return {
            "players": players,
            "replicas": replicas,
            "dropped": sum(r.closed_early for r in results),
            "cpu_all_playing_percent": cpu(8, 20),  # 3-15 s after everyone joined
            "cpu_half_left_percent": cpu(23, 35),  # 3-15 s after half left
            "cpu_all_left_percent": 100
            * (rest[1].replica_cpu - rest[0].replica_cpu)
            / (rest[1].at - rest[0].at),
            "rss_idle_mb": idle.replica_rss_mb,
            "rss_peak_mb": report.rss_peak_mb,
            "rss_10s_after_all_left_mb": rest[0].replica_rss_mb,
            "errors": report.error_samples,
            "error_count": report.errors,
            "redraws_per_s_per_player": report.redraws_per_s_per_player,
            "samples": samples,
        }

    return asyncio.run(run())


def scenario_faults(app_root: Path) -> dict:
    async def run() -> dict:
        with serving(1, app_root=app_root, niceness=NICENESS) as cluster:
            return await run_faults(cluster)

    return asyncio.run(run())


def scenario_compare(app_root: Path, sessions=(1, 4), clicks: int = 12) -> list[dict]:
    """Virtual students and bench/load.py's Chromium pages doing the same thing: K sessions
    pressing Next `clicks` times back to back, each on a fresh single server."""
    from bench import load as browser_load

    rows = []
    for k in sessions:

        async def virtual(k: int = k) -> ClassReport:
            with serving(1, app_root=app_root, niceness=NICENESS) as cluster:
                report, _ = await run_class(
                    cluster, Mix(stepping=k), seconds=300, join_seconds=0.0, seed=k,
                    behaviours={"stepping": lambda *a: rapid_stepping_student(*a, clicks)},
                )  # fmt: skip
            return report

        report = asyncio.run(virtual())
        with serving(1, app_root=app_root, niceness=NICENESS) as cluster:
            browser = asyncio.run(
                browser_load.run_load(cluster.url, 1, 1, pid=cluster.replicas[0].pid)
            )  # warm the page in Chromium once, as bench/load.py does
            browser = asyncio.run(
                browser_load.run_load(cluster.url, k, clicks, pid=cluster.replicas[0].pid)
            )
        rows.append({"K": k, "virtual": asdict(report), "browser": asdict(browser)})
    return rows


def scenario_smoke(app_root: Path, seconds: float = 6.0) -> tuple[ClassReport, list]:
    """K=3 (stepping, lab, practice), quick think times: what `make test` runs."""
    timing = Timing(step_think=(0.3, 0.6), lab_think=(0.3, 0.6), practice_think=(0.3, 0.6))

    async def run():
        with serving(1, app_root=app_root) as cluster:
            return await run_class(cluster, Mix(stepping=1, lab=1, practice=1), seconds,
                                   join_seconds=1.0, seed=3, timing=timing)  # fmt: skip

    return asyncio.run(run())


def run(quick: bool = False) -> dict:
    """For `python -m bench protocol`: the table (quick: K=1 and 3 for 5 s, 1 replica)."""
    with tempfile.TemporaryDirectory(prefix="protocol-load-") as folder:
        app_root, commit = _app_root(False, Path(folder))
        if quick:
            reports = scenario_table(app_root, ks=(1, 3), replica_counts=(1,), seconds=5.0,
                                     join=1.0)  # fmt: skip
        else:
            reports = scenario_table(app_root)
    return {
        "name": "protocol",
        "title": "Virtual students over Streamlit's protocol (click-to-update, server CPU)",
        "columns": TABLE_COLUMNS,
        "rows": [table_row(r) for r in reports],
        "reports": [asdict(r) for r in reports],
        "notes": [f"app as committed at {commit}"],
    }


def _write(name: str, data, text: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / f"protocol_load-{name}.json").write_text(json.dumps(data, indent=1, default=str))
    (out / f"protocol_load-{name}.md").write_text(text + "\n")
    print(text, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.protocol_load",
                                     description=__doc__.splitlines()[0])  # fmt: skip
    parser.add_argument(
        "scenarios",
        nargs="*",
        default=["smoke"],
        choices=["table", "class30", "drop", "faults", "compare", "smoke"],
    )
    parser.add_argument("--k", type=int, nargs="+", default=list(KS), help="table: the Ks")
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seconds", type=float, default=30.0, help="steady part per K")
    parser.add_argument(
        "--working-tree",
        action="store_true",
        help="serve the files as they are, not the last commit",
    )
    parser.add_argument(
        "--boost",
        action="store_true",
        help="root only: servers and students at nice -10 (shared machine)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS_DIR)
    parser.add_argument("--chart", type=Path, default=CHART)
    args = parser.parse_args(argv)
    global NICENESS
    if args.boost:
        NICENESS = -10
        os.nice(NICENESS)
        # Linux shares the CPU between session groups first (autogroups), then by nice within
        # a group: other people's jobs each have a group, so raise this group's weight too.
        autogroup = Path("/proc/self/autogroup")
        if autogroup.exists():
            autogroup.write_text(str(NICENESS))
    info = machine()
    failures = 0
    with tempfile.TemporaryDirectory(prefix="protocol-load-") as folder:
        app_root, commit = _app_root(args.working_tree, Path(folder))
        header = (
            f"app: {commit}; {info['date_utc']}; load average at the start"
            f" {', '.join(f'{x:.1f}' for x in info['load_average'] or ())};"
            f" priority boost: {'nice -10' if args.boost else 'none'}"
        )
        print(header, flush=True)
        for name in args.scenarios:
            started = time.perf_counter()
            print(f"== {name}", flush=True)
            if name == "table":
                reports = scenario_table(app_root, args.k, args.replicas, args.seconds)
                rows = [table_row(r) for r in reports]
                data = {"app": commit, "machine": info, "reports": [asdict(r) for r in reports]}
                _write(name, data, f"{header}\n\n{markdown_table(TABLE_COLUMNS, rows)}", args.out)
                args.chart.parent.mkdir(parents=True, exist_ok=True)
                args.chart.write_text(
                    load_chart_svg(
                        [asdict(r) for r in reports], f"Backprop Lab load, app {commit[:10]}"
                    )
                )
                print(f"chart: {args.chart}")
                failures += sum(r.errors for r in reports)
            elif name == "class30":
                report = scenario_class30(app_root)
                text = f"{header}\n\n{markdown_table(TABLE_COLUMNS, [table_row(report)])}"
                text += "\n\nerrors: " + json.dumps(report.error_samples)
                _write(name, {"app": commit, "machine": info, "report": asdict(report)}, text,
                       args.out)  # fmt: skip
                failures += report.errors
            elif name == "drop":
                result = scenario_drop(app_root)
                summary = {k: v for k, v in result.items() if k != "samples"}
                _write(name, {"app": commit, **result}, f"{header}\n\n" + json.dumps(
                    summary, indent=1, default=str), args.out)  # fmt: skip
            elif name == "faults":
                result = scenario_faults(app_root)
                rows = result["outcomes"]
                text = f"{header}\n\n" + markdown_table(["fault", "attempted", "outcome"], rows)
                rest = {k: v for k, v in result.items() if k != "outcomes"}
                text += "\n\n" + json.dumps(rest, indent=1, default=str)
                _write(name, {"app": commit, **result}, text, args.out)
            elif name == "compare":
                rows = scenario_compare(app_root)
                lines = [header, ""]
                for row in rows:
                    v, b = row["virtual"], row["browser"]
                    lines.append(
                        f"K={row['K']}: virtual p50 {v['p50_ms']:.0f} ms, p95 {v['p95_ms']:.0f}"
                        f" ms, CPU/click {v['cpu_ms_per_action'] or float('nan'):.0f} ms;"
                        f" browser p50 {b['p50_ms']:.0f} ms, p95 {b['p95_ms']:.0f} ms, CPU/click"
                        f" {b['server_cpu_ms_per_click'] or float('nan'):.0f} ms"
                    )
                _write(name, {"app": commit, "rows": rows}, "\n".join(lines), args.out)
            elif name == "smoke":
                report, _ = scenario_smoke(app_root)
                _write(name, asdict(report), markdown_table(TABLE_COLUMNS, [table_row(report)]),
                       args.out)  # fmt: skip
                failures += report.errors
            print(f"({name}: {time.perf_counter() - started:.0f} s)", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
