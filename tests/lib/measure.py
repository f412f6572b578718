"""The benchmarks' arithmetic: CPU time and memory from /proc, percentiles, ratios as printed."""
import os

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User plus system CPU time of pid so far."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def machine_jiffies():
    """(busy, total) clock ticks of every CPU of the machine so far, from /proc/stat."""
    with open("/proc/stat") as f:
        ticks = [int(v) for v in f.readline().split()[1:]]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle and iowait
    return sum(ticks) - idle, sum(ticks)


def busy_percent(before, after):
    """How busy the machine's CPUs were between two machine_jiffies(), in percent."""
    total = after[1] - before[1]
    return 100.0 * (after[0] - before[0]) / total if total > 0 else float("nan")


def memory(pid):
    """(RSS kB, PSS kB) of one process; (0, 0) once it is gone."""
    out = {}
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                parts = line.split()
                if parts[0] in ("Rss:", "Pss:"):
                    out[parts[0]] = int(parts[1])
    except OSError:
        return 0, 0
    return out.get("Rss:", 0), out.get("Pss:", 0)


def percentile(values, p):
    """The p-th percentile (nearest rank) of values; NaN when there are none."""
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))] if v else float("nan")


def ratio(a, b):
    """a / b to two decimals, or "n/a" when either is missing or b is zero."""
    return "%.2f" % (a / b) if a is not None and b else "n/a"
