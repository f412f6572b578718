"""Test cases as TAP: each case gets its own processes, stopped by pid whatever happens;
a failing case prints why and the others still run."""
import sys
import time
import traceback

from processes import Processes


class TestFailure(Exception):
    pass


def wait_until(predicate, timeout=10.0, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TestFailure("timed out after %.1fs waiting for %s" % (timeout, what))
        time.sleep(interval)


class Tap:
    def __init__(self, cases):
        self.cases = cases

    def run(self):
        print("1..%d" % len(self.cases), flush=True)
        failed = 0
        for n, case in enumerate(self.cases, 1):
            procs = Processes()
            name = case.__name__.replace("test_", "")
            start = time.monotonic()
            try:
                result = case(procs)
                if isinstance(result, str) and result.startswith("skip"):
                    print("ok %d - %s # SKIP %s" % (n, name, result[4:].strip()), flush=True)
                    continue
                print("ok %d - %s (%.1fs)" % (n, name, time.monotonic() - start), flush=True)
            except Exception as e:  # a failing case must not stop the others
                failed += 1
                print("not ok %d - %s" % (n, name), flush=True)
                text = "%s: %s" % (type(e).__name__, e)
                if not isinstance(e, TestFailure):  # a bug in the test or a tool: say where
                    text += "\n" + "".join(traceback.format_tb(e.__traceback__)[-3:])
                for line in text.splitlines():
                    print("# " + line, flush=True)
            finally:
                procs.stop_all()
        return 1 if failed else 0


def run(cases):
    sys.exit(Tap(cases).run())


def check(cond, message):
    if not cond:
        raise TestFailure(message)
