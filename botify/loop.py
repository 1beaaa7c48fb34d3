"""The course loop's steps, each the command a student would type: a world, a served day, a command.

The demo, the grader and the quality benchmark are sequences of these steps.
Commands run as subprocesses (the simulator is reached only through ``sim``),
each in a ``ProcessGroup`` that stops it and what it started when the run is
interrupted or a step fails.
"""

import dataclasses
import json
import pathlib
import shutil
import subprocess
import sys

from botify.errors import ServiceError
from botify.fields import PARTIAL_FILE
from botify.launcher import start_serve


def _option(default, help_text):
    return dataclasses.field(default=default, metadata={"help": help_text})


@dataclasses.dataclass
class LoopPlan:
    """Sizes and places of one run of the loop; the defaults are the course's."""

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

    def day_logs(self, day, experiment):
        return self.logs / f"day{day}-{experiment}"


def ensure_world(data="data", seed=31337, tracks=None, users=None, processes=None):
    """The world's manifest; ``sim world`` makes it first unless ``data`` has one (sizes: sim's defaults)."""
    data = pathlib.Path(data)
    manifest = data / "world" / "manifest.json"
    if (data / "catalog" / "tracks.jsonl").is_file() and manifest.is_file():
        found = json.loads(manifest.read_text())
        print(f"using the world in {data}: {found['tracks']:,} tracks, {found['users']:,} listeners, "
              f"seed {found['seed']}")
        return found
    sizes = [*(["--tracks", tracks] if tracks else []), *(["--users", users] if users else [])]
    command(processes, "sim", "world", "--out", data, "--seed", seed, *sizes)
    return json.loads(manifest.read_text())


def serve_day(processes, plan, experiment, day, uploads=None, plugins=(), hidden=(), env=None):
    """Serve ``experiment`` (after uploading {name: artifact file}) for a day of traffic; returns its log.

    ``plugins`` are files for ``botify serve --plugin`` (a homework submission); with ``hidden`` folders
    the service runs in a sandbox where they are empty (``botify.sandbox``); ``env`` adds variables to its
    environment.
    """
    log_dir = plan.day_logs(day, experiment)
    shutil.rmtree(log_dir, ignore_errors=True)
    with start_serve(plan.data, experiment, log_dir=log_dir, port=plan.port, workers=plan.workers,
                     plugins=plugins, hidden=hidden, env=env) as service:
        walls = "   # in a sandbox without: " + ", ".join(map(str, hidden)) if service.sandboxed else ""
        print("$", " ".join(["botify", *service.command[1:]]) + walls, flush=True)
        print(f"  serving at {service.url}; its output goes to {log_dir / 'serve.log'}", flush=True)
        for name, artifact in (uploads or {}).items():
            command(processes, "botify", "upload", artifact, "--name", name, "--data", plan.data)
        try:
            command(processes, "sim", "run", "--world", plan.data, "--episodes", plan.episodes, "--processes",
                    plan.processes, "--seed", plan.seed, "--first-day", day, "--agent", "remote", "--url",
                    service.url)
        except BaseException as stopped:  # interrupted or failed: the log holds part of a day, and says so
            (log_dir / PARTIAL_FILE).write_text(f"day {day} of {plan.episodes} sessions did not finish: "
                                                f"{type(stopped).__name__} {stopped}\n")
            raise
    return log_dir


def command(processes, program, *args):
    """Run a course command as a student would type it; a failure stops the run with its name.

    In a ``ProcessGroup`` it runs in its own process group, so an interruption
    also stops what it started (the simulator's workers); without one (a
    notebook cell) it simply runs.
    """
    argv = [executable(program), *map(str, args)]
    print("$", " ".join([program, *argv[1:]]), flush=True)
    code = processes.run(*argv) if processes is not None else subprocess.run(argv).returncode
    if code != 0:
        raise ServiceError(f"'{program} {args[0]}' failed with exit code {code} (its output is above)")


def executable(program):
    """The console script installed beside this Python, so the loop uses the venv's commands."""
    found = shutil.which(program, path=str(pathlib.Path(sys.executable).parent)) or shutil.which(program)
    if not found:
        raise ServiceError(f"'{program}' is not installed; run `make setup`")
    return found
