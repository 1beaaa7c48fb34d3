"""Endpoints that describe the service: liveness, Redis health, track metadata, experiments."""

from flask import Blueprint, current_app
from werkzeug.exceptions import NotFound

from botify.service import registry
from botify.service.active_experiment import find_experiment
from botify.service.readiness import treatment_data
from botify.service.store import UNAVAILABLE, get_store
from botify.service.validation import parse_id

bp = Blueprint("status", __name__)


@bp.get("/")
def alive():
    """Answers without touching Redis: the process is up."""
    return {"status": "alive", "service": "botify", "experiment": current_app.config["EXPERIMENT"]}


@bp.get("/health")
def health():
    """200 "ok" only when Redis answers, the catalog is loaded and every arm has its data; else 503 with reasons.

    ``serving`` says whether ``/next`` answers at all: a service whose arm lacks
    its artifact is "degraded" (that arm answers random fallbacks) but serving.
    """
    experiment = find_experiment(current_app.config["EXPERIMENT"])
    store = get_store()
    try:
        store.ping()
        tracks, loaded = store.catalog_size(), store.artifacts()
    except UNAVAILABLE as error:
        return _health(503, "unavailable", False, [f"Redis is unreachable: {error}"], experiment=experiment.name)
    treatments = treatment_data(experiment, loaded)
    reasons = [] if tracks else ["the catalog is not loaded into Redis"]
    reasons += [f"{arm}: {data['problem']}" for arm, data in treatments.items() if data["problem"]]
    status = "ok" if not reasons else "degraded" if tracks else "unavailable"
    return _health(200 if status == "ok" else 503, status, bool(tracks), reasons, experiment=experiment.name,
                   redis="ok", tracks=tracks, treatments=treatments, artifacts=loaded)


def _health(code, status, serving, reasons, **details):
    return {"status": status, "serving": serving, "reasons": reasons, **details}, code


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
    }
