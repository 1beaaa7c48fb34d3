"""One-line helpers for the seminar notebooks: start botify, upload an artifact, show a verdict inline.

    from botify.notebook import ensure_world, start_botify, upload, show_report
    ensure_world(DATA)                                    # `sim world` once, if DATA has no world yet
    service = start_botify("STICKY_ARTIST", data=DATA)   # a real `botify serve` on a free loopback port
    sim.simulate(world=DATA, agent="remote", url=service.url, episodes=EPISODES, seed=SEED)
    service.stop()
    analysis = show_report(service.log_dir, "STICKY_ARTIST")

Services start through ``botify.launcher``, so every one stops when its
``with`` block ends (also when the cell fails), on ``stop()``, when the kernel
shuts down or restarts (atexit), and, if the kernel is killed outright, by
itself. Here, starting a service also stops the previous one on the same data.
A notebook run never leaves a service behind.
"""

import datetime
import pathlib

from botify.errors import CatalogError
from botify.launcher import running_services, start_serve, stop_all
from botify.loop import ensure_world

__all__ = ["ensure_world", "start_botify", "upload", "show_report", "styled_effects", "stop_all"]


def show_figures_inline():
    """Make Jupyter render matplotlib figures as images, also a bare ``Figure`` a helper returns.

    The inline backend registers its image formatter only once pyplot is used;
    without this, a notebook whose first figure comes from a helper would
    print ``<Figure size ...>`` instead of the plot. Run when this module is
    imported in a kernel; outside IPython it does nothing.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and hasattr(shell, "kernel"):
        shell.run_line_magic("matplotlib", "inline")


show_figures_inline()


def start_botify(experiment="AA", data="data", log_dir=None, workers=2, redis_url=None, plugins=(),
                 timeout=120):
    """Start ``botify serve`` with ``experiment`` on a free 127.0.0.1 port and return it once it serves.

    ``log_dir`` defaults to a new ``log/<EXPERIMENT>-<time>`` folder, so runs never mix. ``plugins``
    are files of recommenders and experiments to serve too, as with ``botify serve --plugin``.
    The server's own output goes to ``<log_dir>/serve.log``; its warnings (an arm
    without its artifact, say) are printed here too.
    """
    data = pathlib.Path(data)
    if not (data / "catalog" / "tracks.jsonl").is_file():
        raise CatalogError(f"no world in {data}: create it first with ensure_world({str(data)!r})")
    for service in [s for s in running_services() if s.data == data]:
        print(f"stopping the previous service on {data} ({service.experiment} at {service.url})")
        service.stop()
    log_dir = log_dir or pathlib.Path("log") / f"{experiment}-{datetime.datetime.now():%Y%m%d-%H%M%S}"
    return start_serve(data, experiment, log_dir=log_dir, workers=workers, redis_url=redis_url,
                       plugins=plugins, timeout=timeout)


def upload(service, path, name=None):
    """Upload an artifact into a running service (and keep it in its data folder); returns what was done."""
    from botify.service.loading.upload import upload_artifact

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
    formats = {"control_mean": "{:.4g}", "treatment_mean": "{:.4g}", "effect": "{:+.2f}%",
               "ci_low": "{:+.2f}%", "ci_high": "{:+.2f}%", "p_value": "{:.3g}", "p_holm": "{:.3g}"}
    return (table.style.format(formats)
            .apply(lambda row: [colors[row["verdict"]]] * len(row), axis=1).hide(axis="index"))
