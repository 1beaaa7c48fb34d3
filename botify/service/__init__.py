"""The Botify recommender service: Flask + Redis, pluggable recommenders, A/B experiments.

``create_app`` builds the WSGI application; ``botify serve`` runs it on gunicorn.
It is imported lazily so ``botify --help`` does not pay for Flask and Redis.
"""

__all__ = ["create_app"]


def __getattr__(name):
    if name == "create_app":
        from botify.service.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
