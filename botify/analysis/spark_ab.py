"""Week 1's A/B analysis on Spark: the pandas pipeline's sessions, user metrics and Welch effects,
computed the way a cluster computes them (seminar 6).

Each step mirrors one pandas module and returns the same columns, so the two
can be compared number by number: ``read_events`` (``log_reader``),
``sessionize`` (``sessions``), ``user_metrics`` (``user_level``) and
``effects`` (``significance``). Only ``effects`` brings data back to Python:
per arm and metric a count, a mean and a variance, from which the driver
finishes Welch's test with the pandas pipeline's own formula.

Spark is an optional extra (``make setup-spark``) and needs Java 17 or newer;
this module imports without either, and ``spark_problem()`` says in one line
what is missing.
"""

import os
import pathlib
import re
import shutil
import subprocess
import warnings

import pandas as pd

try:  # the optional extra: this module imports without it, and spark_problem() says what is missing
    import pyspark
    from pyspark.sql import SparkSession, Window
    from pyspark.sql import functions as F
    from pyspark.sql import types as T
except ImportError:
    pyspark = None

from botify.analysis.log_reader import event_files
from botify.analysis.significance import effects_from_moments
from botify.analysis.user_level import METRICS
from botify.errors import SparkSetupError
from botify.fields import (
    COMPLETE,
    CONTROL,
    END,
    EXPERIMENTS,
    FALLBACK,
    LAST,
    LATENCY,
    MEAN_REQUEST_LATENCY,
    MEAN_TIME_PER_SESSION,
    MEAN_TRACKS_PER_SESSION,
    MESSAGE,
    NEXT,
    RECOMMENDATION,
    SESSIONS,
    START,
    TIME,
    TIMESTAMP,
    TRACK,
    TRACKS,
    TREATMENT,
    USER,
)

MIN_JAVA = 17  # Spark 4 runs on Java 17 and newer
INSTALL_SPARK = "run `make setup-spark` (or `pip install -e '.[spark]'`)"
INSTALL_JAVA = ("install a JDK 17+ (Debian/Ubuntu: `sudo apt install openjdk-17-jre-headless`) "
                "or set JAVA_HOME")
MALFORMED = "_malformed_line"  # where Spark's JSON reader keeps a line it could not parse
LOGGING = pathlib.Path(__file__).with_name("spark_log4j2.properties")  # errors only: cells stay readable
_IS_LAST, _SESSION_IN_USER = "is_last", "session_in_user"


def spark_problem():
    """One line saying why Spark cannot run here, or None when it can."""
    if pyspark is None:
        return f"pyspark is not installed: {INSTALL_SPARK}"
    java = _java_binary()
    if java is None:
        return f"Spark needs Java {MIN_JAVA} or newer and no `java` was found: {INSTALL_JAVA}"
    version = java_version(java)
    if version is None or version < MIN_JAVA:
        found = f"Java {version}" if version else "a Java whose version could not be read"
        return (f"Spark {pyspark.__version__} needs Java {MIN_JAVA} or newer, and {java} is {found}: "
                f"{INSTALL_JAVA}")
    return None


def _java_binary():
    """The java Spark will start: JAVA_HOME's if set (as Spark's launcher does), else the one on PATH."""
    home = os.environ.get("JAVA_HOME")
    return shutil.which("java", path=os.path.join(home, "bin")) if home else shutil.which("java")


def java_version(java=None):
    """The major version of ``java`` (default: the one Spark would start; 8 for "1.8.0_392", 17 for
    "17.0.15"), or None if it does not run."""
    java = java or _java_binary()
    if java is None:
        return None
    try:
        shown = subprocess.run([java, "-version"], check=False, capture_output=True, text=True,
                               timeout=60).stderr
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', shown)
    if not match:
        return None
    major, minor = int(match.group(1)), int(match.group(2) or 0)
    return minor if major == 1 else major


def start_spark(cores=None, memory="4g", scratch=None, shuffle_partitions=None):
    """A fresh local Spark (driver and executors in one JVM) on ``cores`` cores, bound to 127.0.0.1.

    ``memory`` is the JVM's heap (fixed when the first session of the process starts); ``scratch`` is
    where Spark spills and shuffles (default: the system's temp dir). A session this process still has
    is stopped first, so a notebook run again from the top never uses one whose scratch was deleted.
    Raises SparkSetupError, with the one line to fix it, when Spark cannot start.
    """
    problem = spark_problem()
    if problem:
        raise SparkSetupError(problem)
    earlier = SparkSession.getActiveSession()
    if earlier is not None:
        earlier.stop()
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # no network interface is looked up or used
    cores = cores or os.cpu_count() or 1
    builder = (
        SparkSession.builder.master(f"local[{cores}]").appName("botify")
        .config("spark.driver.memory", memory)
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.extraJavaOptions", f"-Dlog4j.configurationFile=file:{LOGGING}")
        .config("spark.sql.execution.arrow.pyspark.enabled", "false")  # results come back with collect_frame
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions or 4 * cores))
        .config("spark.sql.session.timeZone", "UTC")
    )
    if scratch is not None:
        os.makedirs(scratch, exist_ok=True)
        builder = builder.config("spark.local.dir", str(scratch))
    with warnings.catch_warnings():  # pyspark warns about pandas 3; its pandas conversions are not used here
        warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas", FutureWarning)
        return builder.getOrCreate()


def collect_frame(frame):
    """A (small) Spark result as a pandas DataFrame, through plain rows: no Arrow needed."""
    return pd.DataFrame.from_records(frame.collect(), columns=frame.columns)


def event_schema():
    """The event log's schema, given rather than inferred: inferring reads every file once more."""
    return T.StructType([
        T.StructField(MESSAGE, T.StringType()),
        T.StructField(TIMESTAMP, T.LongType()),
        T.StructField(USER, T.LongType()),
        T.StructField(TRACK, T.LongType()),
        T.StructField(TIME, T.DoubleType()),
        T.StructField(LATENCY, T.DoubleType()),
        T.StructField(EXPERIMENTS, T.MapType(T.StringType(), T.StringType())),
        T.StructField(RECOMMENDATION, T.LongType()),
        T.StructField(FALLBACK, T.BooleanType()),
        T.StructField(MALFORMED, T.StringType()),
    ])


def read_events(spark, log_dir):
    """Every event file of ``log_dir`` as a Spark DataFrame (nothing is read until a result is asked for).

    A line that is not an event keeps its text in MALFORMED (count them with
    ``malformed_lines``); the steps below skip it, where ``load_events`` refuses the file.
    """
    paths = [str(path) for path in event_files(log_dir)]
    return (spark.read.schema(event_schema()).option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", MALFORMED).json(paths))


def _is_event():
    return (F.col(MALFORMED).isNull() & F.col(USER).isNotNull() & F.col(TIMESTAMP).isNotNull()
            & F.col(MESSAGE).isin(LAST, NEXT))


def malformed_lines(events):
    """How many lines of the log are not events (a truncated last line, a foreign file)."""
    return events.where(~_is_event()).count()


def sessionize(events, experiment):
    """One row per complete session: user, treatment (in ``experiment``), start, end, tracks, time, latency.

    The window is the point: partitioned by user and ordered by time, it
    numbers each event with how many ``last`` events the user sent before it;
    that number is the event's session within the user. Spark must first bring
    each user's events together (a shuffle by user), which is the expensive step.
    """
    before = (Window.partitionBy(USER).orderBy(TIMESTAMP, _IS_LAST)  # same millisecond: `next` first
              .rowsBetween(Window.unboundedPreceding, -1))
    numbered = (
        events.where(_is_event())
        .select(USER, TIMESTAMP, TIME, LATENCY, (F.col(MESSAGE) == LAST).cast("int").alias(_IS_LAST),
                F.col(EXPERIMENTS).getItem(experiment).alias(TREATMENT))
        .withColumn(_SESSION_IN_USER, F.coalesce(F.sum(_IS_LAST).over(before), F.lit(0)))
    )
    sessions = numbered.groupBy(USER, _SESSION_IN_USER).agg(
        F.min_by(TREATMENT, TIMESTAMP).alias(TREATMENT),
        F.min(TIMESTAMP).alias(START), F.max(TIMESTAMP).alias(END), F.count("*").alias(TRACKS),
        F.sum(TIME).alias(TIME), F.sum(LATENCY).alias(LATENCY), (F.max(_IS_LAST) == 1).alias(COMPLETE),
    )
    return sessions.where(F.col(COMPLETE)).drop(_SESSION_IN_USER, COMPLETE)


def user_metrics(sessions):
    """One row per user and treatment with the pandas ``user_metrics`` columns (users never assigned
    left out)."""
    totals = sessions.where(F.col(TREATMENT).isNotNull()).groupBy(USER, TREATMENT).agg(
        F.count("*").alias(SESSIONS), F.sum(TRACKS).alias(TRACKS), F.sum(TIME).alias(TIME),
        F.sum(LATENCY).alias(LATENCY),
    )
    return totals.select(
        USER, TREATMENT, SESSIONS, TRACKS, TIME,
        (F.col(LATENCY) / F.col(TRACKS)).alias(MEAN_REQUEST_LATENCY),
        (F.col(TRACKS) / F.col(SESSIONS)).alias(MEAN_TRACKS_PER_SESSION),
        (F.col(TIME) / F.col(SESSIONS)).alias(MEAN_TIME_PER_SESSION),
    )


def moments(user_metrics, metrics=METRICS):
    """Users, mean and sample variance per treatment and metric: one small aggregation, collected."""
    aggregates = [aggregate(metric).alias(f"{name}:{metric}") for metric in metrics
                  for name, aggregate in (("n", F.count), ("mean", F.mean), ("var", F.var_samp))]
    rows = user_metrics.groupBy(TREATMENT).agg(*aggregates).collect()
    table = pd.DataFrame([
        {TREATMENT: row[TREATMENT], "metric": metric,
         **{name: row[f"{name}:{metric}"] for name in ("n", "mean", "var")}}
        for row in sorted(rows, key=lambda row: row[TREATMENT]) for metric in metrics
    ], columns=[TREATMENT, "metric", "n", "mean", "var"])
    return table.astype({"n": "int64", "mean": "float64", "var": "float64"})


def effects(user_metrics, control=CONTROL, alpha=0.05, metrics=METRICS):
    """The pandas ``effects`` table, from moments Spark computed: identical columns and formula."""
    return effects_from_moments(moments(user_metrics, metrics), control, alpha)

