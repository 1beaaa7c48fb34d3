"""Names of event-log fields, catalog columns, metrics and shared files, in one place.

The event logger, the analysis, the training code, tests and notebooks all
spell these the same way by importing them from here.
"""

# Event log (one JSON line per /next or /last call)
MESSAGE = "message"  # "next" or "last"
TIMESTAMP = "timestamp"  # milliseconds since the epoch
USER = "user"
TRACK = "track"  # the track the user just listened to
TIME = "time"  # the share of that track listened to, in [0, 1]
LATENCY = "latency"  # seconds spent serving the request
RECOMMENDATION = "recommendation"  # the track botify answered (next only)
EXPERIMENTS = "experiments"  # {experiment name: treatment}
FALLBACK = "fallback"  # next only: true when the recommender had no data and answered a random track

NEXT = "next"
LAST = "last"
EVENT_FIELDS = (MESSAGE, TIMESTAMP, USER, TRACK, TIME, LATENCY, RECOMMENDATION, EXPERIMENTS, FALLBACK)
OPTIONAL_EVENT_FIELDS = (RECOMMENDATION, FALLBACK)  # absent from `last` lines (and FALLBACK from old logs)

# Interleaved experiments only, at the end of `next` lines: both teams' candidates, whether each was a random
# fallback, and which team's track was played ("AB": both proposed it, so it is credited to neither)
CANDIDATE_A = "candidate_a"
CANDIDATE_B = "candidate_b"
FALLBACK_A = "fallback_a"
FALLBACK_B = "fallback_b"
TEAM = "team"
TEAM_A, TEAM_B, BOTH_TEAMS = "A", "B", "AB"  # BOTH_TEAMS is also every listener's treatment in the experiment
INTERLEAVED_FIELDS = (CANDIDATE_A, CANDIDATE_B, FALLBACK_A, FALLBACK_B, TEAM)

# Beside the events: what the service served (written by `botify serve`, read by the analysis)
DESCRIPTION_FILE = "experiments.json"
PARTIAL_FILE = "PARTIAL"  # written by the demo (and the grader) when the traffic day was interrupted

# Between a launcher and the `botify serve` it starts: set, the service stops once its parent is gone
EXIT_WITH_PARENT = "BOTIFY_EXIT_WITH_PARENT"
# ... and the launch's own name, which serve.json repeats: how a launcher knows its service (in a sandbox
# the service's pid is another number)
LAUNCH_ID = "BOTIFY_LAUNCH_ID"

# Public catalog (data/catalog/tracks.jsonl)
ARTIST = "artist"
TITLE = "title"
GENRE = "genre"
DURATION = "duration"
YEAR = "year"
CATALOG_FIELDS = (TRACK, ARTIST, TITLE, GENRE, DURATION, YEAR)

# Analysis
SESSION = "session"
TREATMENT = "treatment"
CONTROL = "C"
SESSIONS = "sessions"
TRACKS = "tracks"
START = "start"
END = "end"  # timestamp of a session's last event
COMPLETE = "complete"  # the session ended with a `last`
MEAN_REQUEST_LATENCY = "mean_request_latency"
MEAN_TRACKS_PER_SESSION = "mean_tracks_per_session"
MEAN_TIME_PER_SESSION = "mean_time_per_session"
