"""The course loop in one command (``make demo`` / ``botify demo``).

world → botify → day 1 of traffic (Random vs StickyArtist) → LightFM on day 1's
positives → top-100 per user uploaded into Redis → day 2 (Random vs
Collaborative) → A/B report. Every step is the command a student would type, run
as a subprocess; the simulator is reached only through its ``sim`` command.
"""

import dataclasses
import pathlib
import shutil
import sys
import time

from botify.errors import ServiceError
from botify.fields import PARTIAL_FILE
from botify.processes import ProcessGroup, free_port_or_fail, wait_until_serving


def _option(default, help_text):
    return dataclasses.field(default=default, metadata={"help": help_text})


@dataclasses.dataclass
class DemoPlan:
    """Sizes and places of one demo run; the defaults are the course's."""

    data: pathlib.Path = _option(pathlib.Path("data"), "world and artifacts folder")
    logs: pathlib.Path = _option(pathlib.Path("log"), "where each day's event log goes")
    reports: pathlib.Path = _option(pathlib.Path("reports"), "where reports go")
    port: int = _option(5000, "botify's port on 127.0.0.1")
    seed: int = _option(31337, "world and traffic seed")
    tracks: int | None = _option(None, "world size if it must be generated")
    users: int | None = _option(None, "world size if it must be generated")
    episodes: int = _option(3000, "sessions per day")
    processes: int = _option(2, "simulator processes")
    workers: int = _option(2, "botify web workers")
    trials: int = _option(4, "optuna trials for LightFM")
    epochs: int = _option(15, "max LightFM epochs per trial")
    baseline: str = _option("STICKY_ARTIST", "day 1 experiment")
    experiment: str = _option("COLLABORATIVE", "day 2 experiment (judged in the report)")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def day_logs(self, day, experiment):
        return self.logs / f"day{day}-{experiment}"


def configure(parser):
    defaults = DemoPlan()
    for field in dataclasses.fields(DemoPlan):
        default = getattr(defaults, field.name)
        kind = int if field.name in ("tracks", "users") else type(default)
        parser.add_argument(f"--{field.name}", type=kind, default=default, help=field.metadata["help"])


def run(args):
    plan = DemoPlan(**{field.name: getattr(args, field.name) for field in dataclasses.fields(DemoPlan)})
    return run_demo(plan)


def run_demo(plan):
    """Run the whole loop; stops everything it started, also on Ctrl-C or a failed step."""
    started = time.monotonic()
    free_port_or_fail(plan.port)
    recommendations = plan.reports / "demo" / "collaborative.jsonl"
    out = plan.reports / plan.experiment
    with ProcessGroup() as processes:
        _step(1, "world", lambda: ensure_world(processes, plan))
        day1 = _step(2, f"day 1: {plan.baseline} traffic", lambda: serve_day(processes, plan, plan.baseline, day=1))
        _step(3, "train LightFM on day 1's positives", lambda: command(
            processes, "botify", "train", "lightfm", "--logs", day1, "--data", plan.data, "--out", recommendations,
            "--trials", plan.trials, "--epochs", plan.epochs, "--seed", plan.seed))
        day2 = _step(4, f"day 2: {plan.experiment} traffic", lambda: serve_day(
            processes, plan, plan.experiment, day=2, uploads={"collaborative": recommendations}))
        _step(5, f"report {plan.experiment}", lambda: command(
            processes, "botify", "report", "--logs", day2, "--experiment", plan.experiment, "--out", out))
    minutes = (time.monotonic() - started) / 60
    print(f"\nDone in {minutes:.1f} min. Report: {out / 'report.md'} (A/B screenshot in the same folder).")
    return 0


def ensure_world(processes, plan):
    """Generate the world with the plan's seed unless data/ already has one."""
    if (plan.data / "catalog" / "tracks.jsonl").exists() and (plan.data / "world" / "manifest.json").exists():
        print(f"using the world in {plan.data}/")
        return
    sizes = []
    if plan.tracks:
        sizes += ["--tracks", plan.tracks]
    if plan.users:
        sizes += ["--users", plan.users]
    command(processes, "sim", "world", "--out", plan.data, "--seed", plan.seed, *sizes)


def serve_day(processes, plan, experiment, day, uploads=None, serve_args=()):
    """Serve one experiment (after uploading {name: artifact}) for a day of traffic; returns its log dir.
    ``serve_args`` go to ``botify serve`` (e.g. a homework's ``--plugin``)."""
    log_dir = plan.day_logs(day, experiment)
    shutil.rmtree(log_dir, ignore_errors=True)
    service = processes.start(_executable("botify"), "serve", "--data", plan.data, "--port", plan.port,
                              "--workers", plan.workers, "--experiment", experiment, "--log-dir", log_dir,
                              *serve_args)
    wait_until_serving(plan.url, service)
    for name, artifact in (uploads or {}).items():
        command(processes, "botify", "upload", artifact, "--name", name, "--data", plan.data)
    try:
        command(processes, "sim", "run", "--world", plan.data, "--episodes", plan.episodes, "--processes",
                plan.processes, "--seed", plan.seed, "--first-day", day, "--agent", "remote", "--url", plan.url)
    except BaseException as stopped:  # interrupted or failed: the log holds part of a day, and says so
        log_dir.mkdir(parents=True, exist_ok=True)
        (log_dir / PARTIAL_FILE).write_text(f"day {day} of {plan.episodes} sessions did not finish: "
                                            f"{type(stopped).__name__} {stopped}\n")
        raise
    processes.stop(service)
    return log_dir


def command(processes, program, *args):
    """Run a course command as a student would type it; a failure stops the run with its name.

    It runs in its own process group, so an interruption also stops what it
    started (the simulator's worker processes)."""
    argv = [_executable(program), *map(str, args)]
    print("$", " ".join([program, *argv[1:]]), flush=True)
    code = processes.run(*argv)
    if code != 0:
        raise ServiceError(f"'{program} {args[0]}' failed with exit code {code} (its output is above)")


def _step(number, title, action):
    print(f"\n==> [{number}/5] {title}", flush=True)
    return action()


def _executable(program):
    """The console script installed beside this Python, so the demo uses the venv's commands."""
    found = shutil.which(program, path=str(pathlib.Path(sys.executable).parent)) or shutil.which(program)
    if not found:
        raise ServiceError(f"'{program}' is not installed; run `make setup`")
    return found

