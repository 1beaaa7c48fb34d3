"""Checking what a client sends before anything is recommended or logged.

Every rejection raises werkzeug's ``BadRequest`` with a message for the client;
the error handlers turn it into ``{"error": ...}`` with status 400.
"""

import json
import re

from flask import request
from werkzeug.exceptions import BadRequest

from botify import fields

ID = re.compile(r"[0-9]{1,18}")  # ascii digits only: no sign, no spaces, fits in 64 bits
LISTEN_FIELDS = {fields.TRACK, fields.TIME}


def parse_id(text, what):
    """A non-negative integer id from a URL segment."""
    if not ID.fullmatch(text):
        raise BadRequest(f"{what} must be a non-negative integer, got {text[:40]!r}")
    return int(text)


def parse_listen():
    """The body of /next and /last: exactly {"track": int >= 0, "time": number in [0, 1]}."""
    body = _json_body()
    if not isinstance(body, dict):
        raise BadRequest('the body must be a JSON object {"track": int, "time": float}')
    if set(body) != LISTEN_FIELDS:
        missing, extra = sorted(LISTEN_FIELDS - set(body)), sorted(set(body) - LISTEN_FIELDS)
        raise BadRequest(
            f"the body must have exactly the fields track and time (missing {missing}, extra {extra})")
    track, listened = body[fields.TRACK], body[fields.TIME]
    if type(track) is not int or track < 0:
        raise BadRequest(f"track must be a non-negative integer, got {track!r}")
    if type(listened) not in (int, float) or not 0 <= listened <= 1:
        raise BadRequest(f"time must be a number in [0, 1], got {listened!r}")
    return track, float(listened)


def _json_body():
    data = request.get_data(cache=False)  # raises 413 beyond MAX_CONTENT_LENGTH
    try:
        return json.loads(data, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as error:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise BadRequest(f"the body is not valid JSON: {error}") from None


def _reject_constant(name):
    raise ValueError(f"{name} is not a number")

