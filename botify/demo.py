"""The course loop in one command (``make demo`` / ``botify demo``).

world → botify → day 1 of traffic (Random vs StickyArtist) → LightFM on day 1's
positives → top-100 per user uploaded into Redis → day 2 (Random vs
Collaborative) → A/B report. Each step is a step of ``botify.loop``: the
command a student would type, run as a subprocess.
"""

import dataclasses
import time

from botify.launcher import check_port_free
from botify.loop import LoopPlan, command, ensure_world, serve_day
from botify.processes import ProcessGroup


def configure(parser):
    defaults = LoopPlan()
    for field in dataclasses.fields(LoopPlan):
        default = getattr(defaults, field.name)
        kind = int if field.name in ("tracks", "users") else type(default)
        parser.add_argument(f"--{field.name}", type=kind, default=default, help=field.metadata["help"])


def run(args):
    plan = LoopPlan(**{field.name: getattr(args, field.name) for field in dataclasses.fields(LoopPlan)})
    return run_demo(plan)


def run_demo(plan):
    """Run the whole loop; stops everything it started, also on Ctrl-C or a failed step."""
    started = time.monotonic()
    check_port_free(plan.port)  # before the world is made: a taken port fails at once
    recommendations = plan.reports / "demo" / "collaborative.jsonl"
    out = plan.reports / plan.experiment
    with ProcessGroup() as processes:
        _step(1, "world", lambda: ensure_world(plan.data, plan.seed, plan.tracks, plan.users, processes))
        day1 = _step(2, f"day 1: {plan.baseline} traffic",
                     lambda: serve_day(processes, plan, plan.baseline, day=1))
        _step(3, "train LightFM on day 1's positives", lambda: command(
            processes, "botify", "train", "lightfm", "--logs", day1, "--data", plan.data,
            "--out", recommendations, "--trials", plan.trials, "--epochs", plan.epochs, "--seed", plan.seed))
        day2 = _step(4, f"day 2: {plan.experiment} traffic", lambda: serve_day(
            processes, plan, plan.experiment, day=2, uploads={"collaborative": recommendations}))
        _step(5, f"report {plan.experiment}", lambda: command(
            processes, "botify", "report", "--logs", day2, "--experiment", plan.experiment, "--out", out))
    minutes = (time.monotonic() - started) / 60
    print(f"\nDone in {minutes:.1f} min. Report: {out / 'report.md'} (A/B screenshot in the same folder).")
    return 0


def _step(number, title, action):
    print(f"\n==> [{number}/5] {title}", flush=True)
    return action()
