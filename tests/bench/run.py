#!/usr/bin/env python3
"""Runs every benchmark in tests/bench/ against the build in ./build (or
$PORTHOLE_BUILD_DIR) and prints their figures. Not part of the test suite."""
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
status = 0
for name in sorted(os.listdir(here)):
    if name.startswith("bench_") and name.endswith(".py"):
        print("### %s" % name, flush=True)
        status |= subprocess.call([sys.executable, os.path.join(here, name)] + sys.argv[1:])
sys.exit(status)
