"""``botify grade``: judge a homework submission online, the way the course judges everything.

    botify grade homework/hw1                                  # the student's folder of assignment 1
    botify grade homework/examples/liked_tracks --assignment homework/hw1

A submission folder holds ``recommender.py`` (its recommender classes and
``EXPERIMENTS = [Experiment(NAME, Baseline, Mine)]``) and, if it learns from
logs, ``train.py`` (run as ``python train.py --logs LOGS --data DATA [--smoke]``;
it writes its artifacts into ``DATA/artifacts/``). The assignment folder holds
``assignment.json`` and ``report_template.md``. The grader, on a private copy
of the world:

1. prepares the day (shared by every submission of a class, ``--day``):
   serves the assignment's training-day experiment for a day of traffic,
   builds the baseline's artifacts, serves the baseline alone on the A/B
   day's seed (the reference run) and, with ``--oracle``, runs the oracle;
2. runs the submission's ``train.py`` on the training day's logs, in a sandbox;
3. serves the A/B day: the assignment's baseline against the submission's
   recommender, which a sandboxed service of its own answers;
4. runs ``botify report`` into ``<submission>/report/`` and fills the template
   from its ``report.json`` (the hand-written Abstract and Details of a
   REPORT.md there are kept);
5. prints whether the submission beat the baseline significantly on
   mean_time_per_session, and by how much, and writes ``grade.json``. The
   grade is void when the control arm's mean falls outside the reference
   run's interval, or the submission declares another control.
It stops everything it started, also on Ctrl-C or a failed step; a step that
fails names the file or command at fault.
"""

import argparse
import contextlib
import csv
import dataclasses
import importlib.util
import json
import keyword
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

from botify import sandbox
from botify.errors import ServiceError, UsageError
from botify.fields import CONTROL, TREATMENT
from botify.launcher import check_port_free, start_serve
from botify.loop import LoopPlan, command, ensure_world, serve_day
from botify.processes import ProcessGroup
from botify.service.recommenders.remote_arm import URL_VARIABLE

METRIC = "mean_time_per_session"
PUBLIC_SEED = 31337  # the course's world and traffic seed: practice, not grading


def train_arguments(description):
    """The arguments the grader gives a submission's ``train.py``: ``--logs``, ``--data`` and ``--smoke``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--logs", required=True, help="the training day's event log")
    parser.add_argument("--data", required=True, help="the data folder; write artifacts into DATA/artifacts/")
    parser.add_argument("--smoke", action="store_true", help="tiny training, for the tests")
    return parser.parse_args()


def configure(parser):
    parser.add_argument("submission", type=pathlib.Path, help="folder with recommender.py (and train.py)")
    parser.add_argument("--assignment", type=pathlib.Path,
                        help="assignment folder (default: the submission's)")
    parser.add_argument("--world", type=pathlib.Path, default=pathlib.Path("data"),
                        help="world to copy (generated with --world-seed if missing; default: data)")
    parser.add_argument("--world-seed", type=int,
                        help=f"the world's seed (default {PUBLIC_SEED}); grading stops if --world holds "
                             "a world of another seed")
    parser.add_argument("--episodes", type=int, default=2000, help="sessions of the A/B day (default 2000)")
    parser.add_argument("--train-episodes", type=int, default=3000, help="sessions of the training day")
    parser.add_argument("--seed", type=int, default=31337, help="traffic seed (default 31337)")
    parser.add_argument("--port", type=int, default=5071)
    parser.add_argument("--work", type=pathlib.Path,
                        help="working folder (default: reports/grade/<submission>)")
    parser.add_argument("--report", type=pathlib.Path,
                        help="where the report goes (default: <submission>/report)")
    parser.add_argument("--oracle", action="store_true", help="also run the oracle agent for the ceiling")
    parser.add_argument("--smoke", action="store_true",
                        help="tiny training (passed on to train.py): for tests")
    parser.add_argument("--day", type=pathlib.Path,
                        help="a day prepared by botify grade-class (its seeds and sizes replace the options)")


@dataclasses.dataclass
class Assignment:
    folder: pathlib.Path
    title: str
    experiment: str
    baseline: str
    training_day: str
    prepare: list  # botify commands (argument lists) that build the baseline's artifacts

    @classmethod
    def read(cls, folder):
        path = folder / "assignment.json"
        try:
            spec = json.loads(path.read_text())
            return cls(folder, spec["title"], spec["experiment"], spec["baseline"], spec["training_day"],
                       spec.get("prepare", []))
        except (OSError, ValueError, KeyError) as error:
            raise UsageError(f"{path}: not a readable assignment ({error})") from None


def run(args):
    submission = args.submission.resolve()
    assignment = Assignment.read((args.assignment or args.submission).resolve())
    recommender = submission / "recommender.py"
    if not recommender.is_file():
        raise UsageError(f"{recommender} is missing: the submission's recommender and EXPERIMENTS go there")
    default_work = pathlib.Path("reports") / "grade" / f"{submission.parent.name}-{submission.name}"
    work = (args.work or default_work).resolve()
    day = PreparedDay.read(args.day.resolve()) if args.day else _earlier_day(args, assignment, work / "day")
    if day:
        day.apply(args)
    else:
        _check_world_seed(args.world, args.world_seed)
    day_folder = day.folder if day else work / "day"
    hidden = _hidden(args.world, work, day_folder)
    control, treatment = _check_submission(recommender, assignment, hidden)
    check_port_free(args.port)
    with ProcessGroup() as processes:
        day = day or prepare_day(processes, args, assignment, day_folder)
        result = grade(processes, args, assignment, submission, work, hidden, day, control, treatment)
    print(f"\n{result['verdict']}\n{sandbox.isolation()}")
    return 0 if result["status"] == "graded" else 1


def _earlier_day(args, assignment, folder):
    """The day an earlier grade of the same inputs prepared, if any: grading again after a fix skips the
    training day, the baseline's training and the reference run."""
    try:
        day = PreparedDay.read(folder)
    except UsageError:  # none, or an older kind
        return None
    if not day.serves(args, assignment):
        return None
    print(f"reusing the day prepared in {folder} (same world, seeds and sizes; delete it to prepare "
          "it again)", flush=True)
    return day


def _hidden(world, work, day):
    """What a submission's code must not see: the hidden world (the source and the grader's copies), the
    oracle's figures and the simulator's package, which would rebuild a world from its seed. Located,
    never imported."""
    simulator = importlib.util.find_spec("sim")
    days = [day, *(sibling for sibling in sorted(day.parent.glob("*"))
                   if sibling != day and (sibling / PreparedDay.FILE).is_file())]
    sources = [world.resolve(), *(pathlib.Path(json.loads((other / PreparedDay.FILE).read_text())["source"])
                                  for other in days[1:])]  # a class's other seeds are hidden too
    folders = [*(source / "world" for source in sources), *(other / "data" / "world" for other in days),
               *(other / "oracle" for other in days), work / "data" / "world"]
    return folders + [pathlib.Path(p) for p in (simulator.submodule_search_locations if simulator else [])]


def _check_submission(recommender, assignment, hidden):
    """Import the submission first, in the sandbox: a broken file fails in one line before any traffic."""
    argv = [sys.executable, "-m", "botify.service.plugins", recommender]
    checked = subprocess.run(sandbox.wrap(argv, hidden, readable=[recommender.parent]), capture_output=True,
                             text=True)
    if checked.returncode != 0:
        lines = checked.stderr.strip().splitlines() or [f"exit code {checked.returncode}"]
        raise UsageError(lines[-1])
    arms = json.loads(checked.stdout.strip().splitlines()[-1])
    if assignment.experiment not in arms:
        raise UsageError(f"{recommender} registers {', '.join(arms)}, "
                         f"not the assignment's {assignment.experiment}")
    declared = arms[assignment.experiment]
    if len(declared) != 2:
        raise UsageError(f"{recommender}: {assignment.experiment} must have two arms, the baseline and yours "
                         f"(it has {len(declared)})")
    control, treatment = declared
    if not treatment.isidentifier() or keyword.iskeyword(treatment) or treatment == assignment.baseline:
        raise UsageError(f"{recommender}: name your recommender class other than {treatment!r}")
    return control, treatment


@dataclasses.dataclass
class PreparedDay:
    """What every submission graded on one world and traffic seed shares, in ``folder``: the world and the
    baseline's artifacts (``data/``), the training day's logs, the reference run's figures, the oracle's."""

    folder: pathlib.Path
    experiment: str  # the assignment's
    source: pathlib.Path  # the world copied from
    world: dict  # the world's manifest: seed and sizes
    seed: int
    episodes: int
    train_episodes: int
    smoke: bool
    train_logs: pathlib.Path
    reference: dict  # the baseline alone on the A/B day's seed: its control arm's mean, interval, listeners
    oracle: float | None

    FILE = "day.json"

    @classmethod
    def read(cls, folder):
        try:
            fields = json.loads((folder / cls.FILE).read_text())
            return cls(folder=folder, **{**fields, "train_logs": folder / fields["train_logs"],
                                         "source": pathlib.Path(fields["source"])})
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise UsageError(f"{folder}: not a day prepared by botify grade ({error})") from None

    def write(self):
        fields = {**dataclasses.asdict(self), "train_logs": str(self.train_logs.relative_to(self.folder)),
                  "source": str(self.source)}
        del fields["folder"]
        (self.folder / self.FILE).write_text(json.dumps(fields, indent=2) + "\n")

    def serves(self, args, assignment):
        """Whether this day is the one ``args`` would prepare: then a grade run again reuses it."""
        manifest = args.world / "world" / "manifest.json"
        if not manifest.is_file() or json.loads(manifest.read_text()) != self.world:
            return False  # the world there is another one now
        return (self.experiment, self.source, self.seed, self.episodes, self.train_episodes, self.smoke,
                self.oracle is not None) == (
            assignment.experiment, args.world.resolve(), args.seed, args.episodes, args.train_episodes,
            args.smoke, args.oracle) and args.world_seed in (None, self.world["seed"])

    def apply(self, args):
        """The day decides the world, the seeds and the sizes, whatever the options said."""
        args.world, args.world_seed, args.seed = self.source, self.world["seed"], self.seed
        args.episodes, args.train_episodes, args.smoke = self.episodes, self.train_episodes, self.smoke
        args.oracle = self.oracle is not None


def prepare_day(processes, args, assignment, folder):
    """The training day, the baseline's artifacts, the reference run and the oracle: nothing here runs a
    submission's code, so a class shares it."""
    plan = LoopPlan(data=folder / "data", logs=folder / "log", reports=folder, port=args.port,
                    episodes=args.episodes, seed=args.seed)
    _fresh_world(processes, args, plan.data)
    train_logs = serve_day(processes, dataclasses.replace(plan, episodes=args.train_episodes),
                           assignment.training_day, day=1)
    epochs = 2 if args.smoke else 30
    for step in assignment.prepare:
        arguments = [part.format(logs=train_logs, data=plan.data, epochs=epochs) for part in step]
        command(processes, "botify", *arguments)
    (plan.data / "artifacts").mkdir(exist_ok=True)  # none, if the baseline learns nothing
    reference = _reference_run(processes, plan, assignment, folder)
    oracle = _oracle_time(processes, plan, folder) if args.oracle else None
    world = json.loads((plan.data / "world" / "manifest.json").read_text())
    day = PreparedDay(folder, assignment.experiment, args.world.resolve(), world, args.seed, args.episodes,
                      args.train_episodes, args.smoke, train_logs, reference, oracle)
    day.write()
    return day


def grade(processes, args, assignment, submission, work, hidden, day, control, treatment):
    """The submission on a prepared day; returns its result (``grade.json``). The submission's code (its
    train.py, its recommender ``treatment`` in a service of its own) runs in the sandbox, without the
    ``hidden`` folders; the A/B day's service serves and logs the assignment's baseline itself."""
    plan = LoopPlan(data=work / "data", logs=work / "log", reports=work, port=args.port,
                    episodes=day.episodes, seed=day.seed)
    shutil.rmtree(plan.data, ignore_errors=True)
    for part in ("catalog", "world", "artifacts"):
        shutil.copytree(day.folder / "data" / part, plan.data / part)
    _train_submission(processes, submission, day.train_logs, plan.data, day.smoke, hidden)
    plugin = _experiment_plugin(work / "control_plugin.py", assignment, treatment, REMOTE_TREATMENT)
    with _submission_arm(plan, assignment, submission, hidden) as arm:
        ab_logs = serve_day(processes, plan, assignment.experiment, day=2, plugins=[plugin],
                            env={URL_VARIABLE: arm.url})
    report = (args.report or submission / "report").resolve()
    command(processes, "botify", "report", "--logs", ab_logs, "--experiment", assignment.experiment,
            "--out", report)
    return _conclude(assignment, submission, report, args, day, control)


def _reference_run(processes, plan, assignment, folder):
    """The baseline alone (in both arms) on the A/B day's seed, served like the graded day: its control
    arm meets the same listeners and sessions as the graded day's, so its mean is what the graded
    control's must be, within its 95% interval."""
    plugin = _experiment_plugin(folder / "reference_plugin.py", assignment, "Reference", BASELINE_TREATMENT)
    logs = serve_day(processes, dataclasses.replace(plan, logs=folder / "reference"), assignment.experiment,
                     day=2, plugins=[plugin])
    from botify.analysis.reporting import analyse

    return _control_interval(analyse(logs, assignment.experiment).metrics)


def _control_interval(metrics):
    """The control arm's mean of mean_time_per_session over its listeners, with its 95% t-interval."""
    from scipy import stats

    values = metrics.loc[metrics[TREATMENT] == CONTROL, METRIC]
    mean, half = float(values.mean()), float(stats.sem(values) * stats.t.ppf(0.975, len(values) - 1))
    return {"mean": mean, "ci": [mean - half, mean + half], "listeners": int(len(values))}


def _check_world_seed(world, seed):
    """A world folder of another seed than the one asked for would grade on the wrong world, silently."""
    manifest = world / "world" / "manifest.json"
    if seed is None or not manifest.is_file():
        return
    found = json.loads(manifest.read_text())["seed"]
    if found != seed:
        raise UsageError(f"{world} holds the world of seed {found}, not {seed}: give --world a folder of "
                         f"its own (it is generated there with --world-seed {seed})")


def _fresh_world(processes, args, data):
    """A private copy of the world (catalog and hidden truth, no artifacts): grading never touches data/."""
    source = args.world
    if not (source / "catalog" / "tracks.jsonl").is_file():
        ensure_world(source, args.world_seed or PUBLIC_SEED, processes=processes)
    shutil.rmtree(data, ignore_errors=True)
    for part in ("catalog", "world"):
        shutil.copytree(source / part, data / part)


EXPERIMENT_PLUGIN = '''"""Written by botify grade: {experiment}, the baseline against {against}."""

from botify.service.experiment import Experiment
{imports}from {module} import {baseline}


class {treatment}({parent}):
    """{role}"""


EXPERIMENTS = [Experiment("{experiment}", {baseline}, {treatment})]
'''
REMOTE_TREATMENT = ("the submission's recommender, which a service of its own (in the sandbox) answers "
                    "over HTTP", "RemoteArm", "The submission's recommender, asked over HTTP.",
                    "from botify.service.recommenders.remote_arm import RemoteArm\n")
BASELINE_TREATMENT = ("itself: the reference run", "{baseline}", "The baseline again, in the other arm.", "")


def _experiment_plugin(path, assignment, treatment, kind):
    """The A/B day's experiment, built by the grader: the control is always the assignment's baseline."""
    from botify.service.recommenders import discover

    baseline = discover().get(assignment.baseline)
    if baseline is None:
        raise UsageError(f"{assignment.folder}: the baseline {assignment.baseline!r} "
                         "is not a built-in recommender")
    against, parent, role, imports = kind
    path.write_text(EXPERIMENT_PLUGIN.format(
        experiment=assignment.experiment, module=baseline.__module__, baseline=baseline.__name__,
        treatment=treatment, against=against, parent=parent.format(baseline=baseline.__name__), role=role,
        imports=imports))
    return path


@contextlib.contextmanager
def _submission_arm(plan, assignment, submission, hidden):
    """The submission's recommender in a ``botify serve`` of its own: in the sandbox, without network (it
    answers on a unix socket), with its own Redis and a copy of the catalog and artifacts, so it can neither
    patch the baseline's code nor touch its data, nor send the grader's service requests of its own."""
    data = plan.data.parent / "arm-data"
    shutil.rmtree(data, ignore_errors=True)
    for part in ("catalog", "artifacts"):
        shutil.copytree(plan.data / part, data / part)
    log_dir = plan.day_logs(2, f"{assignment.experiment}-submission")
    shutil.rmtree(log_dir, ignore_errors=True)
    sockets = pathlib.Path(tempfile.mkdtemp(prefix="botify-arm-"))  # short: a socket path has 107 bytes
    try:
        with start_serve(data, assignment.experiment, log_dir=log_dir, socket_path=sockets / "arm.sock",
                         workers=plan.workers, plugins=[submission / "recommender.py"], hidden=hidden) as arm:
            yield arm
    finally:
        shutil.rmtree(sockets, ignore_errors=True)


def _train_submission(processes, submission, logs, data, smoke, hidden):
    """The submission's train.py, in the sandbox: it reads the logs and writes only DATA/artifacts/."""
    script = submission / "train.py"
    if not script.is_file():
        return
    argv = [sys.executable, script, "--logs", logs, "--data", data, *(["--smoke"] if smoke else [])]
    scratch = data.parent / "train-tmp"
    for folder in (data / "artifacts", scratch):
        folder.mkdir(parents=True, exist_ok=True)
    print("$", " ".join(["python", *map(str, argv[1:])]), flush=True)
    code = processes.run(*sandbox.wrap(argv, hidden, writable=[data / "artifacts"],
                                       readable=[submission, logs, data], tmp=scratch))
    shutil.rmtree(scratch, ignore_errors=True)
    if code != 0:
        raise ServiceError(f"{script} failed with exit code {code} (its output is above)")


def _oracle_time(processes, plan, folder):
    """Mean session time of the oracle agent on the same world, seed and day: the ceiling."""
    episodes = folder / "oracle" / "episodes.csv"  # the ceiling's folder is hidden from submissions
    episodes.parent.mkdir(parents=True, exist_ok=True)
    command(processes, "sim", "run", "--world", plan.data, "--agent", "oracle", "--episodes", plan.episodes,
            "--seed", plan.seed, "--first-day", 2, "--quiet", "--csv", episodes)
    with open(episodes) as file:
        times = [float(row["time"]) for row in csv.DictReader(file)]
    return sum(times) / len(times)


def _command(args, assignment, submission, world):
    """The commands that reproduce this grading: every input that decides its figures is named, the world
    (its seed and sizes) included."""
    folder = os.path.relpath(args.world)
    make_world = (f"sim world --out {folder} --seed {world['seed']} --tracks {world['tracks']} "
                  f"--users {world['users']}   # once, if {folder}/ holds no world")
    parts = ["botify grade", os.path.relpath(submission)]
    if assignment.folder != submission:
        parts += ["--assignment", os.path.relpath(assignment.folder)]
    parts += ["--world", folder, "--world-seed", str(world["seed"]), "--episodes", str(args.episodes),
              "--train-episodes", str(args.train_episodes), "--seed", str(args.seed)]
    return make_world + "\n" + " ".join(parts + (["--oracle"] if args.oracle else []))


def _conclude(assignment, submission, report, args, day, control):
    """Fill the report template, write ``grade.json`` and say plainly whether the submission won, or why
    its grade is void. The figures are those of the ``report.json`` that ``botify report`` just wrote."""
    from botify.analysis import report_json
    from botify.analysis.reporting import format_table

    figures = report_json.read(report)
    arms, row = figures["arms"], figures["metrics"][METRIC]["T1"]
    mine, base = arms["T1"]["recommender"] or "T1", arms["C"]["recommender"] or assignment.baseline
    control_mean = arms["C"]["means"][METRIC]
    graded = {"mean": control_mean["mean"], "ci": control_mean["ci"], "listeners": arms["C"]["users"]}
    reason = _void_reason(assignment, control, graded, day.reference)
    won = row["verdict"] == "better" and reason is None
    low, high = row["ci"]
    verdict = (f"{assignment.experiment}: {mine} {'BEATS' if won else 'does NOT beat'} {base} on {METRIC}: "
               f"{row['effect']:+.1f}% [{low:+.1f}%, {high:+.1f}%], p = {row['p']:.2g} "
               f"({day.episodes:,} sessions, seed {day.seed})")
    if reason:
        verdict = f"VOID: {reason}\n(the figures, for the record: {verdict})"
    shares, ceiling = None, ""
    if day.oracle:  # mean time per session (not per listener), like the oracle's figure
        shares = {"control": arms["C"]["time_per_session"] / day.oracle,
                  "treatment": arms["T1"]["time_per_session"] / day.oracle}
        ceiling = (f"Mean session time as a share of the oracle's ({day.oracle:.2f} per session): "
                   f"{base} {shares['control']:.1%}, {mine} {shares['treatment']:.1%}.")
    values = {"title": assignment.title, "experiment": assignment.experiment, "recommender": mine,
              "baseline": base, "verdict": verdict, "ceiling": ceiling,
              "effects_table": format_table(report_json.effects_frame(figures)),
              "command": _command(args, assignment, submission, day.world), "isolation": sandbox.isolation()}
    template = (assignment.folder / "report_template.md").read_text()
    for key, value in values.items():
        template = template.replace("{{" + key + "}}", value)
    (report / "REPORT.md").write_text(_keep_hand_written(template, submission / "report" / "REPORT.md"))
    result = {"status": "void" if reason else "graded", "reason": reason, "won": won,
              "verdict": verdict + (f"\n{ceiling}" if ceiling else ""), "recommender": mine, "baseline": base,
              "effect": row["effect"], "ci": row["ci"], "p": row["p"],
              "control": graded, "reference": day.reference, "oracle_share": shares,
              "world_seed": day.world["seed"], "traffic_seed": day.seed, "episodes": day.episodes,
              "isolated": sandbox.available()}
    (report / GRADE_FILE).write_text(json.dumps(result, indent=2) + "\n")
    return result


GRADE_FILE = "grade.json"
HAND_WRITTEN = ("Abstract", "Details")  # the sections of REPORT.md the student writes


def _void_reason(assignment, control, graded, reference):
    """Why this grade cannot stand, in one line, or None."""
    if control != assignment.baseline:
        return (f"the submission declares {control} as the control of {assignment.experiment}; the "
                f"assignment's baseline is {assignment.baseline}")
    low, high = reference["ci"]
    if not low <= graded["mean"] <= high:
        return (f"the control arm's mean {graded['mean']:.3f} is outside the reference run's 95% interval "
                f"[{low:.3f}, {high:.3f}] (the baseline alone, same seed): something besides the baseline "
                "moved it")
    return None


def _keep_hand_written(filled, previous):
    """The filled template, with the hand-written sections of the REPORT.md already there (if any): a
    grade run again, or an instructor's, rewrites the figures, never the student's prose."""
    if not previous.is_file():
        return filled
    theirs = _sections(previous.read_text())
    ours = _sections(filled)
    for name in HAND_WRITTEN:
        if name in theirs and name in ours and theirs[name].strip():
            filled = filled.replace(ours[name], theirs[name], 1)
    return filled


def _sections(markdown):
    """{title: the text from its ``## title`` line to the next ``## `` line} of a markdown document."""
    found, title, lines = {}, None, []
    for line in markdown.splitlines(keepends=True):
        if line.startswith("## "):
            if title is not None:
                found[title] = "".join(lines)
            title, lines = line[3:].strip(), []
        elif title is not None:
            lines.append(line)
    if title is not None:
        found[title] = "".join(lines)
    return found
