"""One-line helpers for the seminar notebooks: start botify, upload an artifact, show a verdict inline.

    from botify.course import ensure_world, start_botify, upload, show_report
    ensure_world(DATA)                                    # `sim world` once, if DATA has no world yet
    service = start_botify("STICKY_ARTIST", data=DATA)   # a real `botify serve` on a free loopback port
    sim.simulate(world=DATA, agent="remote", url=service.url, episodes=EPISODES, seed=SEED)
    service.stop()
    analysis = show_report(service.log_dir, "STICKY_ARTIST")

Every service started here stops when its ``with`` block ends (also when the
cell fails), on ``stop()``, when another one is started on the same data,
when the kernel shuts down or restarts (atexit), and, if the kernel is killed
outright, by itself: it watches the process that started it and leaves when
that process is gone. A notebook run never leaves a service behind.
"""

import atexit
import datetime
import json
import os
import pathlib
import subprocess
import sys
import time
import urllib.error
import urllib.request

from botify.errors import CatalogError, ServiceError
from botify.service.supervisor import EXIT_WITH_PARENT

BOTIFY = str(pathlib.Path(sys.executable).with_name("botify"))
SIM = str(pathlib.Path(sys.executable).with_name("sim"))
_running = []  # services started by this process, stopped at exit


def ensure_world(data="data", seed=31337, tracks=50_000, users=10_000):
    """Generate the simulator's world into ``data`` with ``sim world``, unless it already holds one.

    botify never imports the simulator: like the service, it only runs its command.
    """
    data = pathlib.Path(data)
    manifest = data / "world" / "manifest.json"
    if (data / "catalog" / "tracks.jsonl").is_file() and manifest.is_file():
        found = json.loads(manifest.read_text())
        print(f"using the world in {data}: {found['tracks']:,} tracks, {found['users']:,} listeners, "
              f"seed {found['seed']}")
        return found
    subprocess.run([SIM, "world", "--out", str(data), "--seed", str(seed), "--tracks", str(tracks),
                    "--users", str(users)], check=True)
    return json.loads(manifest.read_text())


class Service:
    """A running ``botify serve``: ``url``, ``log_dir``, ``data``, ``experiment``; ``stop()``, ``health()``."""

    def __init__(self, process, experiment, data, log_dir, url):
        self.process, self.experiment, self.data, self.log_dir, self.url = process, experiment, data, log_dir, url

    def health(self):
        """The service's ``/health`` answer as a dict (whatever its status code)."""
        try:
            with urllib.request.urlopen(self.url + "/health", timeout=10) as answer:
                return json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return json.loads(error.read())

    def stop(self, timeout=30):
        """Stop the service (SIGTERM: it stops its workers and its Redis too) and wait for it."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self in _running:
            _running.remove(self)

    @property
    def running(self):
        return self.process.poll() is None

    def server_log(self):
        """What ``botify serve`` printed (start-up, warnings, reloads)."""
        return (self.log_dir / "serve.log").read_text()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def __repr__(self):
        state = "running" if self.running else "stopped"
        return f"<botify {self.experiment} at {self.url}, {state}, log {self.log_dir}>"


def start_botify(experiment="AA", data="data", log_dir=None, workers=2, redis_url=None, timeout=120):
    """Start ``botify serve`` with ``experiment`` on a free 127.0.0.1 port and wait until it serves.

    ``log_dir`` defaults to a new ``log/<EXPERIMENT>-<time>`` folder, so runs never mix.
    The server's own output goes to ``<log_dir>/serve.log``; its warnings (an arm
    without its artifact, say) are printed here too.
    """
    data = pathlib.Path(data)
    if not (data / "catalog" / "tracks.jsonl").is_file():
        raise CatalogError(f"no world in {data}: create it first with ensure_world({str(data)!r})")
    for service in [s for s in _running if s.data == data]:
        print(f"stopping the previous service on {data} ({service.experiment} at {service.url})")
        service.stop()
    log_dir = pathlib.Path(log_dir or pathlib.Path("log") / f"{experiment}-{datetime.datetime.now():%Y%m%d-%H%M%S}")
    log_dir.mkdir(parents=True, exist_ok=True)
    command = [BOTIFY, "serve", "--data", str(data), "--port", "0", "--workers", str(workers),
               "--experiment", experiment, "--log-dir", str(log_dir)]
    if redis_url:
        command += ["--redis-url", redis_url]
    with open(log_dir / "serve.log", "a") as output:
        process = subprocess.Popen(command, stdout=output, stderr=output, env={**os.environ, EXIT_WITH_PARENT: "1"})
    service = Service(process, experiment, data, log_dir, url=None)
    _running.append(service)
    try:
        service.url = _wait_until_serving(process, data, log_dir, timeout)
    except BaseException:
        service.stop()
        raise
    _print_warnings(service)
    return service


def upload(service, path, name=None):
    """Upload an artifact into a running service (and keep it in its data folder); returns what was done."""
    from botify.service.upload import upload_artifact

    result = upload_artifact(path, service.data, name)
    print(f"{path}: {result}")
    return result


def show_report(logs, experiment, out=None, **options):
    """Judge ``experiment`` from the logs and show it inline: the arms, a coloured effects table, the
    effects plot and the trust checks. Returns the ``Analysis`` (tables to explore further)."""
    from IPython.display import display

    from botify.analysis import effects_plot
    from botify.analysis.reporting import analyse, format_trust, title, verdicts, write_report

    analysis = analyse(logs, experiment, **options)
    print(title(analysis))
    display(styled_effects(analysis.effects, verdicts(analysis.effects)))
    display(effects_plot(analysis.effects, title=title(analysis)))
    print(format_trust(analysis))
    if out is not None:
        print(f"report: {write_report(analysis, out)}")
    return analysis


def styled_effects(effects, verdicts):
    """The effects as a pandas Styler: one row per metric and arm, green better, red worse."""
    colors = {"better": "background-color: #d4edda", "worse": "background-color: #f8d7da", "no effect": ""}
    table = effects[["metric", "treatment", "control_mean", "treatment_mean", "effect", "ci_low", "ci_high",
                     "p_value", "p_holm"]].assign(verdict=verdicts)
    return (table.style.format({"control_mean": "{:.4g}", "treatment_mean": "{:.4g}", "effect": "{:+.2f}%",
                                "ci_low": "{:+.2f}%", "ci_high": "{:+.2f}%", "p_value": "{:.3g}", "p_holm": "{:.3g}"})
            .apply(lambda row: [colors[row["verdict"]]] * len(row), axis=1).hide(axis="index"))


def stop_all():
    """Stop every service this process started (also run at interpreter exit)."""
    for service in list(_running):
        service.stop()


atexit.register(stop_all)


def _wait_until_serving(process, data, log_dir, timeout):
    """The service's URL once it serves (all workers up); a ServiceError with its output if it fails."""
    state = data / "run" / "serve.json"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServiceError(f"botify serve exited with code {process.returncode}:\n"
                               + _tail(log_dir / "serve.log"))
        if state.is_file():
            try:
                found = json.loads(state.read_text())
            except ValueError:  # being written
                found = {}
            if found.get("pid") == process.pid:
                return found["url"]
        time.sleep(0.05)
    raise ServiceError(f"botify serve did not start within {timeout} s:\n" + _tail(log_dir / "serve.log"))


def _print_warnings(service):
    for line in service.server_log().splitlines():
        if "[WARNING]" in line or "[ERROR]" in line:
            print(line.split("] ", 3)[-1])


def _tail(path, lines=15):
    return "\n".join(path.read_text().splitlines()[-lines:]) if path.exists() else "(no output)"
