"""The benchmarks' arithmetic: CPU time from /proc, percentiles, ratios as printed."""
import os

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User plus system CPU time of pid so far."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def percentile(values, p):
    """The p-th percentile (nearest rank) of values; NaN when there are none."""
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))] if v else float("nan")


def ratio(a, b):
    """a / b to two decimals, or "n/a" when either is missing or b is zero."""
    return "%.2f" % (a / b) if a is not None and b else "n/a"
