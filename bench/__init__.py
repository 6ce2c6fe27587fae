"""Benchmarks of Backprop Lab: engine step, page reruns, browser latency and memory.

Run them all with `make bench` (that is, `.venv/bin/python -m bench`); see bench/README.md.
"""
