"""Every error as JSON ``{"error": ...}``: 4xx for the client's mistakes, 503 when Redis is gone.

Flask would answer HTML pages and a 500 for an unreachable Redis; the simulator
and the students' scripts need a machine-readable reason instead.
"""

from werkzeug.exceptions import HTTPException

from botify.service.store import UNAVAILABLE


class Unavailable(HTTPException):
    """A dependency is missing (e.g. the catalog is not loaded): 503."""

    code = 503


def init_app(app):
    app.register_error_handler(HTTPException, _http_error)
    for error in UNAVAILABLE:
        app.register_error_handler(error, _redis_unavailable)


def _http_error(error):
    return {"error": error.description}, error.code


def _redis_unavailable(error):
    return {"error": f"Redis is unavailable: {error}"}, 503
