"""A class of virtual students on a cluster, measured: latencies, errors, CPU and memory.

`run_class` lets every student join at a random moment within `join_seconds` (a burst when
that is short), work until `join_seconds + seconds`, and samples the servers' CPU time and
resident memory once a second throughout. Click-to-update percentiles count only the
actions sent after everyone joined (the steady part); joining is reported apart (page open
time). With `drop_fraction`, that share of the students closes its tab `drop_after` seconds
into the steady part, to see the CPU fall.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from dataclasses import asdict, dataclass, field

from bench.vstudents.client import StreamlitSession
from bench.vstudents.servers import Cluster, Sample
from bench.vstudents.students import ROLES, Mix, StudentResult, Timing, run_student


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered) - 1e-9))  # 1-based: ceil(p * n)
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class ClassReport:
    """One class run, summarised (latencies in ms, CPU in % of one core, memory in MB)."""

    students: int
    mix: str
    replicas: int
    seconds: float
    actions: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    open_p95_ms: float
    open_max_ms: float
    errors: int
    error_samples: list[str]
    redraws_per_s_per_player: float | None  # fragment reruns the server ran per second
    frames_per_s_per_player: float | None  # frames those reruns carried to in-page players
    server_cpu_percent: float  # all replicas, steady part, % of one core
    nginx_cpu_percent: float
    cpu_ms_per_action: float | None  # without Play only: steady server CPU / actions
    rss_idle_mb: float
    rss_peak_mb: float
    rss_per_student_mb: float
    generator_cpu_percent: float  # this process (the virtual students), % of one core
    samples: list[dict] = field(default_factory=list)


async def _sample_every(cluster: Cluster, stop: asyncio.Event, out: list[Sample]) -> None:
    while not stop.is_set():
        out.append(cluster.sample())
        try:
            await asyncio.wait_for(stop.wait(), 1.0)
        except TimeoutError:
            pass
    out.append(cluster.sample())


def _cpu_between(samples: list[Sample], start: float, end: float, attr: str) -> tuple[float, float]:
    """(CPU seconds, wall seconds) between the first and last samples in [start, end]."""
    inside = [s for s in samples if start <= s.at <= end]
    if len(inside) < 2:
        return float("nan"), float("nan")
    first, last = inside[0], inside[-1]
    return getattr(last, attr) - getattr(first, attr), last.at - first.at


async def warm_up_pages(url: str, pages: set[str]) -> None:
    """Open each page once before measuring: the first run of a page in a process imports
    its modules (seconds, and tens of MB that are not any student's memory)."""
    for page in sorted(pages):
        session = StreamlitSession(url, page=page)
        try:
            await session.open_page()
        finally:
            await session.close()


async def run_class(
    cluster: Cluster,
    mix: Mix,
    seconds: float,
    join_seconds: float = 5.0,
    seed: int = 0,
    timing: Timing | None = None,
    drop_fraction: float = 0.0,
    drop_after: float = 0.0,
    behaviours: dict | None = None,
    warm_pages: bool = True,
) -> tuple[ClassReport, list[StudentResult]]:
    """Run the class once; returns the summary and every student's own result."""
    import psutil

    timing = timing or Timing()
    rng = random.Random(seed)
    if warm_pages:
        for url in cluster.replica_urls or [cluster.url]:
            await warm_up_pages(url, {ROLES[role][0] for role in mix.roles()})
    me = psutil.Process()
    my_cpu_start = sum(me.cpu_times()[:2])
    idle = cluster.sample()
    samples: list[Sample] = [idle]
    stop = asyncio.Event()
    sampler = asyncio.create_task(_sample_every(cluster, stop, samples))
    began = time.perf_counter()
    steady_from = began + join_seconds
    deadline = steady_from + seconds
    roles = mix.roles()
    rng.shuffle(roles)
    dropping = set(rng.sample(range(len(roles)), int(len(roles) * drop_fraction)))
    tasks = [
        run_student(
            cluster.url,
            role,
            began + rng.uniform(0, join_seconds),
            deadline,
            seed=seed * 1000 + index,
            timing=timing,
            close_at=steady_from + drop_after if index in dropping else None,
            behaviour=(behaviours or {}).get(role),
        )  # fmt: skip
        for index, role in enumerate(roles)
    ]
    results = await asyncio.gather(*tasks)
    ended = time.perf_counter()
    stop.set()
    await sampler
    my_cpu = sum(me.cpu_times()[:2]) - my_cpu_start

    steady = [
        latency
        for result in results
        for latency, sent in zip(result.latencies, result.action_times, strict=True)
        if sent >= steady_from
    ]
    steady_actions = len(steady)
    opens = [r.open_seconds for r in results if r.open_seconds is not None]
    errors = [f"{r.role}: {e}" for r in results for e in r.errors]
    players = [r for r in results if r.play_seconds > 0]
    play_seconds = sum(r.play_seconds for r in players)
    redraws = sum(r.live_redraws for r in players) / play_seconds if players else None
    frames = sum(r.component_frames for r in players) / play_seconds if players else None
    # The steady part: from everyone joined to the last student done (or the deadline).
    steady_cpu_seconds, steady_wall = _cpu_between(samples, steady_from, ended + 1, "replica_cpu")
    nginx_cpu_seconds, _ = _cpu_between(samples, steady_from, ended + 1, "nginx_cpu")
    peak = max(s.replica_rss_mb for s in samples)
    report = ClassReport(
        students=mix.total,
        mix=mix.describe(),
        replicas=len(cluster.replicas),
        seconds=round(ended - began, 1),
        actions=steady_actions,
        p50_ms=percentile(steady, 0.5) * 1000,
        p95_ms=percentile(steady, 0.95) * 1000,
        max_ms=max(steady) * 1000 if steady else float("nan"),
        open_p95_ms=percentile(opens, 0.95) * 1000,
        open_max_ms=max(opens) * 1000 if opens else float("nan"),
        errors=len(errors),
        error_samples=errors[:10],
        redraws_per_s_per_player=redraws,
        frames_per_s_per_player=frames,
        server_cpu_percent=100 * steady_cpu_seconds / steady_wall,
        nginx_cpu_percent=100 * nginx_cpu_seconds / steady_wall,
        cpu_ms_per_action=(
            steady_cpu_seconds / steady_actions * 1000 if steady_actions and not players else None
        ),
        rss_idle_mb=idle.replica_rss_mb,
        rss_peak_mb=peak,
        rss_per_student_mb=(peak - idle.replica_rss_mb) / max(1, mix.total),
        generator_cpu_percent=100 * my_cpu / (ended - began),
        samples=[{**asdict(s), "at": round(s.at - began, 2)} for s in samples],
    )
    return report, results
