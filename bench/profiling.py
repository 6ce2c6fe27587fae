"""Profiles behind the performance notes in the README (not part of `python -m bench`).

    .venv/bin/python -m bench.profiling server app_pages/step_by_step.py --click step_next --caps
    .venv/bin/python -m bench.profiling browser play      # training lab while Play runs
    .venv/bin/python -m bench.profiling browser next      # step by step, clicking Next
    .venv/bin/python -m bench.profiling engine 3          # Network.train_step, bench case 3

`server` runs the page in AppTest and profiles the page script (cProfile, in the script's
thread) over 5 reruns; `browser` records a Chromium CPU profile (DevTools protocol) and prints
the functions with the most self time and the most inclusive time; `engine` profiles the
traced step of one case of `bench/engine_step.py` (cProfile; NumPy's ufuncs count as the time
of the Python function calling them).
"""

import argparse
import collections
import cProfile
import pstats
import re


def profile_server(page: str, click: str | None, caps: bool, reruns: int = 5) -> None:
    from streamlit.navigation.page import StreamlitPage

    from bench import pages
    from bench.common import quiet_streamlit

    quiet_streamlit()
    profiler = cProfile.Profile()
    active = [False]
    original = StreamlitPage.run

    def run(self):  # the page script runs in AppTest's script thread: profile it there
        if not active[0]:
            return original(self)
        profiler.enable()
        try:
            return original(self)
        finally:
            profiler.disable()

    StreamlitPage.run = run
    try:
        at = pages.open_page(page)
        if caps:
            (pages._step_caps if page == pages.STEP else pages._lab_caps)(at)
        for index in range(2 + reruns):
            active[0] = index >= 2
            if click:
                at.button(key=click).click()
            at.run()
    finally:
        StreamlitPage.run = original
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


def profile_browser(what: str, seconds: float = 8.0) -> None:
    from bench.browser import chromium, open_page, server

    with server() as app, chromium() as browser:
        title = "Training lab" if what == "play" else "Step by step"
        page = open_page(browser, app.url, title)
        cdp = page.context.new_cdp_session(page)
        cdp.send("Profiler.enable")
        cdp.send("Profiler.setSamplingInterval", {"interval": 200})
        if what == "play":
            page.locator(".st-key-lab_play button").click()
            page.get_by_role("button", name=re.compile("Pause")).wait_for()
            page.wait_for_timeout(1000)
            cdp.send("Profiler.start")
            page.wait_for_timeout(seconds * 1000)
        else:
            cdp.send("Profiler.start")
            for _ in range(8):
                page.locator(".st-key-step_next button").first.click()
                page.wait_for_timeout(800)
        profile = cdp.send("Profiler.stop")["profile"]
    nodes = {node["id"]: node for node in profile["nodes"]}
    parent = {child: node["id"] for node in profile["nodes"] for child in node.get("children", [])}
    own, inclusive = collections.Counter(), collections.Counter()
    for sample, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        frame = nodes[sample]["callFrame"]
        own[(frame["functionName"] or "(anonymous)", frame["url"].rsplit("/", 1)[-1])] += delta
        seen, node = set(), sample
        while node is not None:
            name = nodes[node]["callFrame"]["functionName"]
            if name and name not in seen:
                inclusive[name] += delta
                seen.add(name)
            node = parent.get(node)
    print(f"profiled {sum(profile['timeDeltas']) / 1000:.0f} ms")
    print("self time (ms):")
    for (name, url), micros in own.most_common(25):
        print(f"  {micros / 1000:8.0f}  {name}  {url}")
    print("inclusive time (ms, minified names):")
    for name, micros in inclusive.most_common(30):
        print(f"  {micros / 1000:8.0f}  {name}")


def profile_engine(case_index: int, steps: int) -> None:
    from bench.engine_step import CASES, LEARNING_RATE, make_batch, make_network

    case = CASES[case_index]
    X, Y = make_batch(case)
    net = make_network(case)
    net.train_step(X, Y, LEARNING_RATE)  # the first step checks the batch; later ones reuse it
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(steps):
        net.train_step(X, Y, LEARNING_RATE)
    profiler.disable()
    print(f"{case.label}: {steps} steps of Network.train_step")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profiling")
    sub = parser.add_subparsers(dest="where", required=True)
    server = sub.add_parser("server", help="cProfile of a page rerun in AppTest")
    server.add_argument("page", help="e.g. app_pages/step_by_step.py")
    server.add_argument("--click", help="button key to click before each rerun")
    server.add_argument("--caps", action="store_true", help="apply the caps settings first")
    browser = sub.add_parser("browser", help="Chromium CPU profile")
    browser.add_argument("what", choices=["play", "next"])
    engine = sub.add_parser("engine", help="cProfile of Network.train_step")
    engine.add_argument("case", type=int, help="index into bench.engine_step.CASES")
    engine.add_argument("--steps", type=int, default=2000)
    args = parser.parse_args()
    if args.where == "server":
        profile_server(args.page, args.click, args.caps)
    elif args.where == "engine":
        profile_engine(args.case, args.steps)
    else:
        profile_browser(args.what)


if __name__ == "__main__":
    main()
