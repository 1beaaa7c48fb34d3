"""The end-of-run summary: per day, mean ± standard error of session time and tracks.

A day that ended before all its sessions (interrupted, or stopped by a failing
service) says so in its row, so a partial day is never read as a full one.
"""

import math


def mean_sem(values):
    """Mean and standard error of the mean (0 for fewer than two values)."""
    n = len(values)
    if n == 0:
        return math.nan, math.nan
    mean = sum(values) / n
    if n < 2:
        return mean, 0.0
    variance = sum((v - mean) ** 2 for v in values) / (n - 1)
    return mean, math.sqrt(variance / n)


def day_table(results):
    """A plain-text table, one line per day (partial days marked), plus failure notes when there were any."""
    if not results:
        return "no day was simulated"
    lines = [f"{'day':>3}  {'sessions':>8}  {'session time':>15}  {'tracks':>15}  {'failed':>6}"]
    for result in results:
        time = mean_sem([row["time"] for row in result.rows])
        tracks = mean_sem([row["tracks"] for row in result.rows])
        partial = f"  (partial: {result.why_partial})" if result.partial else ""
        lines.append(f"{result.day:>3}  {len(result.rows):>8}  {time[0]:>7.3f} ± {time[1]:<5.3f}  "
                     f"{tracks[0]:>7.2f} ± {tracks[1]:<5.2f}  {result.failed:>6}{partial}")
    retried = sum(r.retried for r in results)
    failed = sum(r.failed for r in results)
    if retried or failed:
        lines.append(f"service trouble: {retried} requests retried, {failed} sessions dropped after retries")
    lines.extend(f"day {r.day} stopped early: {r.stopped}" for r in results if r.stopped)
    churned = sum(len(r.churned) for r in results)
    if churned:
        lines.append(f"churn: {churned} users left for good")
    return "\n".join(lines)
