"""The endpoints the listeners (the simulator) call: ``/next`` asks for a track, ``/last`` ends a session.

Each call is validated completely before anything is recommended, and logged
as one event only once it succeeded, so bad input never reaches the log.
"""

import time

from flask import Blueprint, current_app
from werkzeug.exceptions import NotFound

from botify import fields
from botify.service.active_experiment import get_active_experiment
from botify.service.event_log import get_event_log
from botify.service.http_errors import Unavailable
from botify.service.shared_page import READY
from botify.service.store import get_store
from botify.service.validation import parse_id, parse_listen

bp = Blueprint("listening", __name__)


@bp.post("/next/<user>")
def next_track(user):
    started = time.perf_counter()
    user, track, listened = _listen(user)
    active = get_active_experiment()
    answer, interleaving = active.answer(user, track, listened)
    if answer.fallback or interleaving.get(fields.FALLBACK_A) or interleaving.get(fields.FALLBACK_B):
        _check_data_not_lost()
    _log(fields.NEXT, user, track, listened, started, active.treatments(user), answer, interleaving)
    return {fields.USER: user, fields.TRACK: answer.track, fields.FALLBACK: answer.fallback}


@bp.post("/last/<user>")
def last_track(user):
    started = time.perf_counter()
    user, track, listened = _listen(user)
    active = get_active_experiment()
    active.end_session(user, track, listened)
    _log(fields.LAST, user, track, listened, started, active.treatments(user))
    return {fields.USER: user}


def _listen(user):
    """Validated (user, track, time); 404 for a track outside the catalog."""
    user = parse_id(user, "user")
    track, listened = parse_listen()
    page = current_app.config.get("SHARED_PAGE")
    if page is not None and page.state != READY:  # known to the master; no Redis round trip
        raise Unavailable(f"botify cannot answer now: {page.describe()}")
    size = get_store().catalog_size()
    if size == 0:
        raise Unavailable("the catalog is not loaded into Redis")
    if track >= size:
        raise NotFound(f"unknown track {track} (the catalog has tracks 0..{size - 1})")
    return user, track, listened


def _check_data_not_lost():
    """A fallback may mean Redis lost its data a moment before the master noticed: then 503, not a random
    track passed off as a recommendation. One round trip, on fallbacks only."""
    page = current_app.config.get("SHARED_PAGE")
    if page is not None and get_store().generation() != page.generation:
        raise Unavailable("Redis lost the catalog and artifacts; botify is reloading them")


def _log(message, user, track, listened, started, treatments, answer=None, interleaving=None):
    event = {
        fields.MESSAGE: message,
        fields.TIMESTAMP: int(time.time() * 1000),
        fields.USER: user,
        fields.TRACK: track,
        fields.TIME: listened,
        fields.LATENCY: time.perf_counter() - started,
        fields.EXPERIMENTS: treatments,
    }
    if answer is not None:
        event[fields.RECOMMENDATION] = answer.track
        event[fields.FALLBACK] = answer.fallback
        event.update(interleaving or {})  # after the A/B fields: A/B lines keep their exact shape
    get_event_log().write(event)
