"""Two replicas behind a real nginx (Debian's), with sticky sessions, driven by real browsers.

The replicas run exactly as deploy/replicas.py runs them (production settings, one shared
cookie secret); nginx runs on loopback with its own config, prefix, pid and logs in a temp
folder, as root or not. Also checks that the shipped deployment files agree with each other.
"""

import re
import secrets
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

from deploy.replicas import (
    PROJECT_ROOT,
    nginx_command,
    nginx_config,
    prepare_nginx_prefix,
    production_env,
    replica_env,
    stop_processes,
    streamlit_command,
    wait_healthy,
    warm_up,
)
from tests.e2e.helpers import assert_no_exception, free_port, wait_for_app

LOG_LINE = re.compile(r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) '
                      r"upstream=(?P<upstream>\S+) affinity=(?P<affinity>\S+)")  # fmt: skip


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Two production-configured replicas and an nginx in front; yields (url, run_dir, ports)."""
    run_dir = tmp_path_factory.mktemp("cluster")
    ports = [free_port(), free_port()]
    env = replica_env(cookie_secret=secrets.token_hex(32))
    processes = []
    try:
        for port in ports:
            log = open(run_dir / f"replica-{port}.log", "w")  # noqa: SIM115
            processes.append(
                subprocess.Popen(
                    streamlit_command(port),
                    cwd=PROJECT_ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )  # fmt: skip
            )
        for port, process in zip(ports, processes, strict=True):
            wait_healthy(f"http://127.0.0.1:{port}", process=process)
            warm_up(f"http://127.0.0.1:{port}")  # as deploy/replicas.py does
        listen_port = free_port()
        prefix = run_dir / "nginx"
        prepare_nginx_prefix(prefix)
        config_file = prefix / "nginx.conf"
        config_file.write_text(
            nginx_config(ports, listen=f"127.0.0.1:{listen_port}", prefix=prefix)
        )
        nginx = subprocess.Popen(
            nginx_command(config_file, prefix), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        processes.append(nginx)
        url = f"http://127.0.0.1:{listen_port}"
        try:
            wait_healthy(url, timeout=20, process=nginx)
        except RuntimeError as error:
            error_log = prefix / "error.log"
            detail = error_log.read_text() if error_log.exists() else nginx.stdout.read().decode()
            raise RuntimeError(f"{error}\n{detail}") from error
        yield url, prefix, ports
    finally:
        stop_processes(processes)


def _access_log(prefix: Path) -> list[dict[str, str]]:
    text = (prefix / "access.log").read_text()
    return [match.groupdict() for match in LOG_LINE.finditer(text)]


def test_browser_sessions_through_nginx_work_and_stay_on_one_replica(browser, cluster, shot_dir):
    url, prefix, ports = cluster
    upstreams_seen: set[str] = set()
    sessions = 0
    # New browsers land on a random replica; open them until both replicas have served one
    # (at most 12: the chance that 12 random browsers all land on one of two is 1 in 2048).
    while len(upstreams_seen) < 2 and sessions < 12:
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        page = context.new_page()
        try:
            page.goto(f"{url}/?presenter=true")
            wait_for_app(page)
            assert_no_exception(page)
            # A round trip over the WebSocket: switching presenter mode off reruns the script.
            page.locator(".st-key-presenter label").first.click()
            wait_for_app(page)
            assert page.locator('[data-testid="stSidebar"]').first.is_visible()
            assert_no_exception(page)
            if sessions == 0:
                page.screenshot(path=str(shot_dir / "through-nginx.png"))
            cookie = {c["name"]: c["value"] for c in context.cookies()}.get("bpl_affinity")
            assert cookie, "nginx did not hand out the affinity cookie"
        finally:
            context.close()
        sessions += 1
        by_affinity: dict[str, set[str]] = defaultdict(set)
        for entry in _access_log(prefix):
            by_affinity[entry["affinity"]].add(entry["upstream"])
        assert by_affinity[cookie], "the session's requests are not in nginx's access log"
        assert len(by_affinity[cookie]) == 1, f"session moved between replicas: {by_affinity}"
        upstreams_seen |= by_affinity[cookie]
    assert upstreams_seen == {f"127.0.0.1:{port}" for port in ports}


def test_websocket_upgrades_through_nginx(cluster):
    url, prefix, ports = cluster
    streams = [e for e in _access_log(prefix) if e["path"].startswith("/_stcore/stream")]
    assert streams, "no WebSocket request went through nginx"
    assert {e["status"] for e in streams} <= {"101"}, streams


def test_shipped_nginx_conf_is_what_the_generator_writes():
    shipped = (PROJECT_ROOT / "deploy" / "nginx.conf").read_text()
    expected = nginx_config([8501, 8502, 8503, 8504], prefix="/var/lib/backprop-lab/nginx")
    assert shipped.strip() == expected.strip()
    assert "hash $bpl_affinity consistent;" in shipped
    assert "proxy_set_header Upgrade $http_upgrade;" in shipped


def test_dockerfile_sets_the_production_settings_and_a_healthcheck():
    dockerfile = (PROJECT_ROOT / "deploy" / "Dockerfile").read_text()
    env_block = re.search(r"^ENV (?:.*\\\n)*.*$", dockerfile, re.MULTILINE).group(0)
    env_lines = dict(re.findall(r"((?:STREAMLIT|MALLOC)_[A-Z_]+)=(\S+)", env_block))
    assert env_lines == production_env()
    assert re.search(r"^HEALTHCHECK .*\n.*/_stcore/health", dockerfile, re.MULTILINE)
    settings = production_env()
    assert settings["STREAMLIT_CLIENT_SHOW_ERROR_DETAILS"] == "none"
    assert settings["STREAMLIT_SERVER_FILE_WATCHER_TYPE"] == "none"
    assert settings["STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION"] == "true"
    assert int(settings["STREAMLIT_SERVER_MAX_UPLOAD_SIZE"]) <= 1
