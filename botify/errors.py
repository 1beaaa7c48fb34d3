"""The errors a user can cause and fix, in one module: library code raises them, commands print them.

``botify <command>`` turns a :class:`BotifyError` into one line and exit code 2.
Every other exception is a bug (in botify, or in a student's recommender or
training code) and keeps its full traceback. In a notebook these arrive as
ordinary exceptions whose message says what to do.
"""


class BotifyError(Exception):
    """Something the user can fix; the message says what went wrong and how to fix it."""


class UsageError(BotifyError):
    """A command-line option has a value the command cannot use (raised only by the ``*_cli`` modules)."""


class CatalogError(BotifyError):
    """The public catalog file is missing or malformed; the message names the file and line."""


class ArtifactError(BotifyError):
    """A recommendation artifact is unreadable or malformed; the message names the file and line."""


class ExperimentError(BotifyError):
    """An experiment is unknown, registered twice, or registered with something that is not a recommender."""


class ServiceError(BotifyError):
    """The service cannot start or be reached: a taken port, a running twin, an unreachable Redis."""


class EventLogError(BotifyError):
    """The event logs cannot be analysed: no log files, or not the experiment asked for."""


class AnalysisError(BotifyError):
    """The logs hold too little to judge: no control arm, nothing to compare, a split that does not fit."""


class TrainingError(BotifyError):
    """The logs or the catalog hold too little, or the wrong thing, to train on."""


class SparkSetupError(BotifyError):
    """Spark cannot start here: pyspark is not installed, or Java is missing or too old."""
