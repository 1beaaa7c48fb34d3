"""Endpoints that describe the service: liveness, Redis health, track metadata, experiments."""

from flask import Blueprint, current_app
from werkzeug.exceptions import NotFound

from botify.service import registry
from botify.service.arm_artifacts import arm_artifacts
from botify.service.shared_page import READY
from botify.service.store import UNAVAILABLE, get_store
from botify.service.validation import parse_id

bp = Blueprint("inspection", __name__)


@bp.get("/")
def alive():
    """Answers without touching Redis: the process is up."""
    return {"status": "alive", "service": "botify", "experiment": current_app.config["EXPERIMENT"]}


@bp.get("/health")
def health():
    """200 "ok" only when the data is complete and every arm has its artifact; else 503 with the reasons.

    ``status`` is "ok", "degraded" (serving, but an arm has no data and answers
    random fallbacks) or "unavailable" (starting, reloading, Redis unreachable,
    catalog missing). ``serving`` says whether ``/next`` answers at all.
    """
    experiment = registry.find_experiment(current_app.config["EXPERIMENT"])
    details = {"experiment": experiment.name}
    reasons = _service_reasons(details)
    store = get_store()
    try:
        store.ping()
        stored, loaded = store.stored_catalog_size(), store.artifacts()
    except UNAVAILABLE as error:
        return _health(reasons + [f"Redis is unreachable ({error})"], serving=False, redis="unreachable",
                       **details)
    expected = store.catalog_size()
    if not stored or stored != expected:
        reasons.append(f"the catalog in Redis is incomplete ({stored} of {expected} tracks)")
    serving = not reasons
    treatments = arm_artifacts(experiment, loaded)
    reasons += [f"{arm}: {data['problem']}" for arm, data in treatments.items() if data["problem"]]
    return _health(reasons, serving, redis="ok", tracks=stored, treatments=treatments, artifacts=loaded,
                   **details)


def _service_reasons(details):
    """What the master's shared page says (nothing when the app runs without a master, as in tests)."""
    page = current_app.config.get("SHARED_PAGE")
    if page is None:
        return []
    expected, ready = current_app.config.get("WORKERS", 1), page.workers_ready()
    details["workers"] = {"ready": ready, "expected": expected}
    details["state"] = page.describe()
    reasons = [] if page.state == READY else [page.describe()]
    if ready < expected:
        reasons.append(f"starting: {ready} of {expected} workers ready")
    return reasons


def _health(reasons, serving, **details):
    state = "ok" if not reasons else "degraded" if serving else "unavailable"
    return {"status": state, "serving": serving, "reasons": reasons, **details}, 200 if state == "ok" else 503


@bp.get("/track/<track>")
def track(track):
    metadata = get_store().track(parse_id(track, "track"))
    if metadata is None:
        raise NotFound(f"unknown track {track}")
    return metadata


@bp.get("/experiments")
def listing():
    return {
        "active": current_app.config["EXPERIMENT"],
        "experiments": [experiment.describe() for experiment in registry.EXPERIMENTS],
        "interleaved": [experiment.describe() for experiment in registry.INTERLEAVED],
    }
