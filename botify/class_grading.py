"""``botify grade-class``: grade a whole class on the instructor's hidden seeds, and rank it.

    botify grade-class submissions/ --assignment homework/hw1 --seeds seeds.txt --out class/

``SUBMISSIONS`` holds one folder per student, as ``botify grade`` takes it. The
seeds file is the instructor's secret: one ``WORLD_SEED TRAFFIC_SEED`` per line,
``#`` starts a comment. For each seed the day every submission shares is
prepared once (the world, the training day, the baseline's artifacts, the
reference run, the oracle); then each submission is graded on it by
``botify grade --day``, in a process of its own with a time limit, so a broken,
slow or cheating submission gets its row and never stops the class. Each
grading leaves ``OUT/results/<submission>/<seed>/`` (the report, REPORT.md with
the student's own prose, ``grade.json``, ``grade.log``); a run again resumes
where the last one stopped. ``botify.leaderboard`` ranks the results into
``OUT/leaderboard.json`` and ``OUT/leaderboard.html``.
"""

import argparse
import json
import os
import pathlib
import signal
import subprocess

from tqdm import tqdm

from botify import leaderboard
from botify.errors import UsageError
from botify.grading import GRADE_FILE, PUBLIC_SEED, Assignment, PreparedDay, prepare_day
from botify.launcher import BOTIFY, check_port_free
from botify.loop import ensure_world
from botify.processes import ProcessGroup, stop_process


def configure(parser):
    parser.add_argument("submissions", type=pathlib.Path, help="a folder with one folder per submission")
    parser.add_argument("--assignment", type=pathlib.Path, required=True, help="the assignment folder")
    parser.add_argument("--seeds", type=pathlib.Path, required=True,
                        help="the private seeds file: 'WORLD_SEED TRAFFIC_SEED' per line, # comments")
    parser.add_argument("--out", type=pathlib.Path, required=True,
                        help="where the results and the leaderboard go")
    parser.add_argument("--episodes", type=int, default=2000, help="sessions of each A/B day (default 2000)")
    parser.add_argument("--train-episodes", type=int, default=3000, help="sessions of each training day")
    parser.add_argument("--tracks", type=int, help="world size (default: sim world's)")
    parser.add_argument("--users", type=int, help="world size (default: sim world's)")
    parser.add_argument("--timeout", type=float, default=1800,
                        help="seconds one submission may take on one seed (default 1800)")
    parser.add_argument("--port", type=int, default=5071)
    parser.add_argument("--smoke", action="store_true",
                        help="tiny training (passed on to train.py): for tests")


def run(args):
    assignment = Assignment.read(args.assignment.resolve())
    seeds = read_seeds(args.seeds)
    students = _submissions(args.submissions)
    out = args.out.resolve()
    check_port_free(args.port)
    print(f"grading {len(students)} submissions of {assignment.experiment} on {len(seeds)} hidden seeds "
          f"into {out}", flush=True)
    with ProcessGroup():  # a SIGTERM too stops the grading under way, and what it started
        results = _grade_all(args, assignment, seeds, students, out)
    rows = leaderboard.rank(results)
    leaderboard.write(rows, out, title=f"{assignment.title} ({assignment.experiment})", seeds=len(seeds))
    print(f"\n{leaderboard.as_text(rows)}\nwrote {out / leaderboard.JSON} and {out / leaderboard.HTML}")
    return 0


def _grade_all(args, assignment, seeds, students, out):
    """{submission: its results, one per seed}, one seed's day at a time."""
    results = {student.name: [] for student in students}
    for number, (world_seed, traffic_seed) in enumerate(seeds, 1):
        day = _prepared_day(args, assignment, out, world_seed, traffic_seed, f"seed {number}/{len(seeds)}")
        for student in tqdm(students, desc=f"seed {number}/{len(seeds)}", unit="submission"):
            folder = out / "results" / student.name / day.folder.name
            result = grade_one(args, assignment, student, day, folder)
            results[student.name].append(result)
            tqdm.write(f"  {student.name}: {result['status']}: {_summary(result)}")
    return results


def read_seeds(path):
    """[(world seed, traffic seed)] from the instructor's file; a bad line is one error naming it."""
    try:
        lines = path.read_text().splitlines()
    except OSError as error:
        raise UsageError(f"cannot read the seeds file {path}: {error.strerror}") from None
    seeds = []
    for number, line in enumerate(lines, 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if len(words) != 2 or not all(word.isdigit() for word in words):
            raise UsageError(f"{path}:{number}: expected 'WORLD_SEED TRAFFIC_SEED' (two non-negative "
                             f"integers), got {line.strip()!r}")
        seeds.append((int(words[0]), int(words[1])))
    if not seeds:
        raise UsageError(f"{path} holds no seeds")
    if len(set(seeds)) != len(seeds):
        raise UsageError(f"{path} lists a seed twice")
    if any(PUBLIC_SEED in seed for seed in seeds):
        raise UsageError(f"{path}: {PUBLIC_SEED} is the public seed the students practise on; "
                         "grade on others")
    return seeds


def _submissions(folder):
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder of submissions")
    found = sorted(path.resolve() for path in folder.iterdir()
                   if path.is_dir() and not path.name.startswith("."))
    if not found:
        raise UsageError(f"{folder} holds no submission folders")
    return found


def _prepared_day(args, assignment, out, world_seed, traffic_seed, label):
    """The day of one seed, prepared once for every submission (and found again when resuming)."""
    folder = out / "days" / f"{world_seed}-{traffic_seed}"
    if (folder / PreparedDay.FILE).is_file():
        return PreparedDay.read(folder)
    print(f"{label}: preparing the shared day (world, training day, baseline, reference run, oracle)",
          flush=True)
    world = out / "worlds" / str(world_seed)
    options = argparse.Namespace(world=world, world_seed=world_seed, seed=traffic_seed, port=args.port,
                                 episodes=args.episodes, train_episodes=args.train_episodes, smoke=args.smoke,
                                 oracle=True)
    with ProcessGroup() as processes:
        ensure_world(world, world_seed, args.tracks, args.users, processes=processes)
        return prepare_day(processes, options, assignment, folder)


def grade_one(args, assignment, student, day, folder):
    """One submission on one prepared day: its grade.json, or a 'failed' result naming why."""
    found = folder / GRADE_FILE
    if found.is_file():
        return json.loads(found.read_text())
    folder.mkdir(parents=True, exist_ok=True)
    work = day.folder.parent.parent / "work" / student.name
    argv = [BOTIFY, "grade", student, "--assignment", assignment.folder, "--day", day.folder,
            "--work", work, "--report", folder, "--port", args.port]
    with open(folder / "grade.log", "w") as log:
        process = subprocess.Popen(list(map(str, argv)), stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        try:
            code = process.wait(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            stop_process(process, grace_seconds=15, sig=signal.SIGTERM, group=True)
            return _failed(folder, day, f"took longer than {args.timeout:g} s; stopped")
        except BaseException:
            stop_process(process, grace_seconds=15, sig=signal.SIGTERM, group=True)
            raise
    if found.is_file():
        return json.loads(found.read_text())
    reason = _last_error(folder / "grade.log", code).replace(f"{student}{os.sep}", "")  # no private paths
    return _failed(folder, day, reason)


def _failed(folder, day, reason):
    result = {"status": "failed", "reason": reason, "won": False, "world_seed": day.world["seed"],
              "traffic_seed": day.seed, "episodes": day.episodes}
    (folder / GRADE_FILE).write_text(json.dumps(result, indent=2) + "\n")
    return result


def _last_error(log, code):
    """The line of the grading's output that says what went wrong: botify's own error line if there is one."""
    lines = [line.strip() for line in log.read_text(errors="replace").splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("botify grade: error: ")]
    if errors:
        return errors[-1][len("botify grade: error: "):]
    return f"botify grade exited with code {code}" + (f": {lines[-1]}" if lines else "")


def _summary(result):
    if result["status"] == "failed":
        return result["reason"]
    effect = f"{result['effect']:+.1f}% [{result['ci'][0]:+.1f}%, {result['ci'][1]:+.1f}%]"
    return f"{effect}{'' if result['reason'] is None else ' — ' + result['reason']}"

