"""Has every arm of the active experiment got its data? One answer for ``serve``'s start and ``/health``.

A recommender whose artifact is not loaded still answers (random fallbacks,
flagged in the log), so the service stays up; these messages say which arm
is running blind and the commands that give it data.
"""

from botify.service.loading.artifacts import POPULARITY


def artifact_file(recommender):
    """Where the recommender's artifact is expected under the data folder."""
    suffix = ".json" if recommender.ARTIFACT_KIND == POPULARITY else ".jsonl"
    return f"data/artifacts/{recommender.ARTIFACT}{suffix}"


def arm_artifacts(experiment, loaded):
    """{treatment: {"recommender", "artifact", "loaded", "problem"}} for /health and the start-up lines."""
    report = {}
    for treatment, recommender in zip(experiment.treatments, experiment.recommenders):
        problem = _problem(recommender, loaded.get(recommender.ARTIFACT)) if recommender.ARTIFACT else None
        report[treatment] = {"recommender": recommender.__name__, "artifact": recommender.ARTIFACT,
                             "loaded": problem is None, "problem": problem}
    return report


def _problem(recommender, info):
    name, kind = recommender.ARTIFACT, recommender.ARTIFACT_KIND
    path = artifact_file(recommender)
    if info is None:
        make = f"write {path}"
        if recommender.MAKE_ARTIFACT:
            make = f"`{recommender.MAKE_ARTIFACT}` (writes {path})"
        return (f"{recommender.__name__} has no data: artifact {name!r} is not loaded; make it with {make}, "
                f"then restart botify serve or run `botify upload {path}`")
    if kind and info.get("kind") != kind:
        return (f"{recommender.__name__} reads a {kind} artifact {name!r}, "
                f"but the loaded one is {info.get('kind')}")
    return None
