"""Offline training: event logs + public catalog in, top-100 artifacts out (seminars 2-4).

One line per job for notebooks (the same jobs as ``botify train``)::

    from botify import training
    summary = training.train_lightfm("log", "data", trials=20)   # -> data/artifacts/collaborative.jsonl
    summary = training.train_contextual("log", "data")           # -> data/artifacts/contextual.jsonl
    summary = training.export_top_tracks("log")                  # -> data/artifacts/top_tracks.json

The steps live in their own modules: ``data`` (positives, split, pairs,
features, popularity), ``lightfm_model``, ``contextual_ranker`` (torch), ``export``
(batched top-k, artifact files), ``ranking_metrics``, ``projector`` (TensorBoard).
Heavy libraries load on first use, so importing this package stays cheap.
"""


def train_lightfm(logs="log", data="data", **options):
    """LightFM top-100 per listener; options as :func:`botify.training.pipeline.collaborative`."""
    from botify.training import pipeline

    return pipeline.collaborative(logs, data, **{"progress": True, **options})


def train_contextual(logs="log", data="data", **options):
    """Torch ranker top-100 per start track; options as :func:`botify.training.pipeline.contextual_lists`."""
    from botify.training import pipeline

    return pipeline.contextual_lists(logs, data, **{"progress": True, **options})


def export_top_tracks(logs="log", out="data/artifacts/top_tracks.json", **options):
    """The popularity artifact; options as :func:`botify.training.pipeline.top_tracks`."""
    from botify.training import pipeline

    return pipeline.top_tracks(logs, out, **options)
