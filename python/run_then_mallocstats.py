"""Runs a Python program as python3 would, then prints pymalloc's report.

    run_then_mallocstats.py SCRIPT ARGS...

The program runs as __main__ with SCRIPT's directory first on sys.path;
when it returns, sys._debugmallocstats() writes pymalloc's statistics to
stderr, its arena high-water mark among them. capture_fidelity_test runs
the same command twice: for real, and under pytrace.
"""
import runpy
import sys

script = sys.argv[1]
sys.argv = sys.argv[1:]
sys.path.insert(0, script.rpartition("/")[0] or ".")
runpy.run_path(script, run_name="__main__")
sys._debugmallocstats()
