"""The check of a recommender task: serve the student's plugin beside a built-in control and A/B it.

A recommender is right when it serves: the check starts a real ``botify serve
--plugin FILE`` on the notebook's world, sends a short simulated day over HTTP,
and judges the student's arm against the control the plugin's experiment
names (a built-in recommender), with the same analysis as ``botify report``.
"""

import datetime
import json
import pathlib
import subprocess
import sys

from botify.errors import BotifyError
from botify.launcher import start_serve
from botify.teaching import CheckFailed, check, passed

SIM = pathlib.Path(sys.executable).with_name("sim")  # the console script, as a user runs it
FALLBACK_LIMIT = 0.5  # an arm answering at random this often did not read its data
METRIC = "mean_time_per_session"


def check_served(task, plugin, experiment, data="data", episodes=300, seed=0, log_dir=None,
                 worse_than_control_ok=False):
    """Serve ``experiment`` from ``plugin`` for ``episodes`` sessions; CheckFailed with the reason when the
    student's arm (T1) crashes, falls back to random, or is significantly worse than its control.

    ``worse_than_control_ok`` is for a task whose control is a stronger recommender on purpose. Returns
    the ``Analysis``.
    """
    from botify.analysis.reporting import analyse

    plugin = pathlib.Path(plugin).resolve()
    _check_imports(task, plugin, experiment)
    log_dir = pathlib.Path(log_dir or f"log/check-{experiment}-{datetime.datetime.now():%H%M%S}")
    try:
        with start_serve(data, experiment, log_dir=log_dir, plugins=[plugin], workers=1) as service:
            played = _traffic(data, service.url, episodes, seed, log_dir / "sessions.csv")
    except BotifyError as error:
        raise CheckFailed(f"{task}: botify could not serve {plugin.name}: {error}") from None
    _check_no_errors(task, episodes - played, log_dir / "serve.log")
    analysis = analyse(log_dir, experiment)
    _check_arm(task, analysis, worse_than_control_ok)
    return analysis


def _check_imports(task, plugin, experiment):
    """The plugin imports and registers ``experiment``: one line naming the file's problem otherwise."""
    result = subprocess.run([sys.executable, "-m", "botify.service.plugins", str(plugin)],
                            capture_output=True, text=True, timeout=120)
    said = (result.stdout + result.stderr).strip()
    problem = said.splitlines()[-1].replace(str(plugin), plugin.name) if said else "no output"
    check(result.returncode == 0, f"{task}: {problem}")
    registered = json.loads(result.stdout)
    check(experiment in registered, f"{task}: {plugin.name} registers no experiment {experiment!r}; its "
                                    f"EXPERIMENTS list gives {', '.join(registered) or 'nothing'}")


def _traffic(data, url, episodes, seed, csv):
    """Send a simulated day with ``sim run`` (botify never imports sim: they meet over HTTP); the number
    of sessions played to the end."""
    subprocess.run([str(SIM), "run", "--world", str(data), "--episodes", str(episodes), "--seed", str(seed),
                    "--url", url, "--quiet", "--csv", str(csv)], capture_output=True, text=True, timeout=1800)
    return max(len(csv.read_text().splitlines()) - 1, 0) if csv.exists() else 0


def _check_no_errors(task, failed, server_log):
    if failed:
        errors = [line for line in server_log.read_text().splitlines()
                  if line.rstrip().endswith("Error") or "Error:" in line]
        first = errors[-1].strip() if errors else "see serve.log"
        raise CheckFailed(f"{task}: the service answered errors and {failed} sessions were lost; "
                          f"your recommender raised: {first}")


def _check_arm(task, analysis, worse_than_control_ok):
    share = analysis.fallback.get("T1", 0.0)
    check(share < FALLBACK_LIMIT, f"{task}: your arm answered a random fallback track for {share:.0%} of the "
                                  "requests: it found no data for them (is the artifact's name right, and "
                                  "did you call self.pick on the list you read?)")
    row = analysis.effects.query("metric == @METRIC and treatment == 'T1'").iloc[0]
    control = analysis.arms.get("C", "the control")
    if not worse_than_control_ok:
        check(row.ci_high >= 0, f"{task}: your arm is worse than {control}: {METRIC} {row.effect:+.1f}% "
                                f"[{row.ci_low:+.1f}%, {row.ci_high:+.1f}%]; the built-in reaches "
                                f"{row.control_mean:.3g}, yours {row.treatment_mean:.3g}")
    passed(task, f"served over HTTP against {control}: {METRIC} {row.effect:+.1f}% "
                 f"[{row.ci_low:+.1f}%, {row.ci_high:+.1f}%], random fallbacks {share:.0%}")
