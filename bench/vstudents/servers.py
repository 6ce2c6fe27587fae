"""Servers for a load run: N production-configured replicas, behind nginx when N > 1.

Started exactly as deploy/replicas.py starts them (production settings, one cookie secret,
a warm-up run), on free loopback ports, with logs in a run folder; `Cluster.sample()` reads
the CPU time and resident memory of every replica (and of nginx) with psutil.
"""

from __future__ import annotations

import contextlib
import secrets
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from deploy.replicas import (
    PROJECT_ROOT,
    nginx_command,
    nginx_config,
    prepare_nginx_prefix,
    replica_env,
    stop_processes,
    streamlit_command,
    wait_healthy,
    warm_up,
)

MB = 2**20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_command(port: int, app_root: Path) -> list[str]:
    """deploy/replicas.py's command, serving the app (server.py) in `app_root`."""
    command = streamlit_command(port)
    command[command.index(str(PROJECT_ROOT / "server.py"))] = str(app_root / "server.py")
    return command


def committed_snapshot(folder: Path, revision: str = "HEAD") -> tuple[Path, str]:
    """The app as committed (`git archive`), unpacked into `folder`: measurements then do not
    depend on files other people are editing. Returns the folder and the commit id."""
    commit = subprocess.run(
        ["git", "rev-parse", revision], cwd=PROJECT_ROOT, capture_output=True, text=True,
        check=True,
    ).stdout.strip()  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "archive", commit], cwd=PROJECT_ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder, commit


@dataclass
class Sample:
    """CPU seconds used so far and resident memory now, replicas and nginx apart."""

    at: float
    replica_cpu: float
    replica_rss_mb: float
    nginx_cpu: float


@dataclass
class Cluster:
    """What a load run needs of the servers: the URL to use and the processes to watch."""

    url: str
    replicas: list[psutil.Process]
    nginx: list[psutil.Process] = field(default_factory=list)
    run_dir: Path | None = None
    replica_urls: list[str] = field(default_factory=list)  # each replica, bypassing nginx

    def sample(self) -> Sample:
        replica_cpu = replica_rss = nginx_cpu = 0.0
        for process in self.replicas:
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                replica_cpu += times.user + times.system
                replica_rss += process.memory_info().rss
        for process in self.nginx:
            with contextlib.suppress(psutil.Error):
                for member in [process, *process.children(recursive=True)]:
                    times = member.cpu_times()
                    nginx_cpu += times.user + times.system
        return Sample(time.perf_counter(), replica_cpu, replica_rss / MB, nginx_cpu)

    def alive(self) -> bool:
        return all(process.is_running() and process.status() != "zombie"
                   for process in self.replicas)  # fmt: skip


@contextlib.contextmanager
def serving(
    replicas: int = 1,
    run_dir: Path | None = None,
    app_root: Path = PROJECT_ROOT,
    niceness: int | None = None,
) -> Iterator[Cluster]:
    """Start `replicas` servers of the app in `app_root` (and nginx in front when more than
    one); stop them after. `niceness` (e.g. -10, root only) raises their CPU priority over
    other jobs on a shared machine, so those disturb the measurement less."""
    run_dir = run_dir or Path(tempfile.mkdtemp(prefix="vstudents-"))
    env = replica_env(cookie_secret=secrets.token_hex(32))
    ports = [free_port() for _ in range(replicas)]
    processes: list[subprocess.Popen] = []
    try:
        for port in ports:
            log = open(run_dir / f"replica-{port}.log", "w")  # noqa: SIM115
            processes.append(
                subprocess.Popen(
                    app_command(port, app_root),
                    cwd=app_root,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )  # fmt: skip
            )
        for port, process in zip(ports, processes, strict=True):
            wait_healthy(f"http://127.0.0.1:{port}", process=process)
            warm_up(f"http://127.0.0.1:{port}")
        watched = [psutil.Process(process.pid) for process in processes]
        if niceness is not None:
            for process in watched:
                process.nice(niceness)
        if replicas == 1:
            url = f"http://127.0.0.1:{ports[0]}"
            yield Cluster(url, watched, run_dir=run_dir, replica_urls=[url])
            return
        listen = free_port()
        prefix = run_dir / "nginx"
        prepare_nginx_prefix(prefix)
        config_file = prefix / "nginx.conf"
        config_file.write_text(nginx_config(ports, listen=f"127.0.0.1:{listen}", prefix=prefix))
        nginx = subprocess.Popen(
            nginx_command(config_file, prefix),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(nginx)
        url = f"http://127.0.0.1:{listen}"
        wait_healthy(url, timeout=20, process=nginx)
        replica_urls = [f"http://127.0.0.1:{port}" for port in ports]
        yield Cluster(url, watched, [psutil.Process(nginx.pid)], run_dir, replica_urls)
    finally:
        stop_processes(processes)


def server_log_errors(cluster: Cluster) -> list[str]:
    """Tracebacks and 'unexpected error' lines in the replicas' logs (bugs the pages logged)."""
    found = []
    if cluster.run_dir is None:
        return found
    for log in sorted(cluster.run_dir.glob("replica-*.log")):
        for line in log.read_text(errors="replace").splitlines():
            if "Traceback" in line or "unexpected error" in line:
                found.append(f"{log.name}: {line.strip()[:200]}")
    return found
