"""``report.json``: a report's figures for programs (the grader, a notebook), beside report.md.

One schema for both kinds of experiment (documented in ``botify/analysis/README.md``):
``kind`` ("ab" or "interleaving"), the arms and their recommenders, and per metric
and arm the effect, interval, p and verdict; an interleaved report adds
``preference``. Floats that are not numbers are written as null, so the file is
strict JSON any language reads.
"""

import json
import math
import pathlib

import numpy as np
import pandas as pd
from scipy import stats

from botify.analysis.markdown import shown_path
from botify.errors import EventLogError
from botify.fields import SESSIONS, TIME, TREATMENT

SCHEMA = 1
REPORT_JSON = "report.json"
AB, INTERLEAVING = "ab", "interleaving"


def ab_report(analysis, verdicts):
    """The A/B report of an ``Analysis`` (``verdicts``: reporting.verdicts of its effects, row by row)."""
    effects = analysis.effects
    alpha = effects.attrs.get("alpha", 0.05)
    metrics = {}
    for row, verdict in zip(effects.itertuples(index=False), verdicts):
        metrics.setdefault(row.metric, {})[getattr(row, TREATMENT)] = {
            "control_mean": row.control_mean, "treatment_mean": row.treatment_mean, "effect": row.effect,
            "ci": [row.ci_low, row.ci_high], "p": row.p_value, "p_holm": row.p_holm, "verdict": verdict,
            "users_control": row.users_control, "users_treatment": row.users_treatment}
    return _clean({
        "schema": SCHEMA, "kind": AB, "experiment": analysis.experiment, "logs": shown_path(analysis.logs),
        "alpha": alpha, "control": effects.attrs.get("control", "C"), "aa": analysis.aa,
        "arms": _ab_arms(analysis, alpha), "metrics": metrics,
        "trust": {"srm_p": analysis.srm["p_value"], "mismatch": analysis.srm["mismatch"],
                  "crossovers": analysis.srm.get("crossovers", 0), "partial": analysis.partial,
                  "active": analysis.active, "truncated_lines": analysis.truncated_lines,
                  "incomplete_sessions": analysis.sessions.attrs.get("incomplete_sessions", 0)},
    })


def _ab_arms(analysis, alpha):
    """Per arm: its recommender, listeners, sessions, fallback share, mean session time (over sessions) and
    each metric's mean over listeners with its t-interval."""
    metrics = analysis.metrics
    names = [name for name in metrics.columns if name in effects_metrics(analysis.effects)]
    per_session = {}
    if not analysis.aa and analysis.experiment in analysis.sessions:
        sessions = analysis.sessions
        per_session = sessions.groupby(sessions[analysis.experiment].astype(str))[TIME].mean().to_dict()
    arms = {}
    for arm, rows in metrics.groupby(TREATMENT, sort=True):
        arms[arm] = {"recommender": None if analysis.aa else analysis.arms.get(arm),
                     "users": len(rows), "sessions": int(rows[SESSIONS].sum()),
                     "fallback": None if analysis.aa else analysis.fallback.get(arm),
                     "time_per_session": per_session.get(arm),
                     "means": {name: _mean_interval(rows[name].to_numpy(dtype=float), alpha)
                               for name in names}}
    return arms


def effects_metrics(effects):
    return list(dict.fromkeys(effects["metric"]))


def _mean_interval(values, alpha):
    """The mean over listeners and its t-interval (the grader's control check reads the control's)."""
    values = values[~np.isnan(values)]
    if len(values) < 2:
        return {"mean": float(values.mean()) if len(values) else None, "ci": [None, None]}
    mean = float(values.mean())
    half = float(stats.sem(values) * stats.t.ppf(1 - alpha / 2, len(values) - 1))
    return {"mean": mean, "ci": [mean - half, mean + half], "listeners": len(values)}


def interleaving_report(analysis):
    """The report of an ``InterleavingAnalysis``: per credit function, B's share as the "effect" of arm B."""
    metrics = {f"preference_{credit}": {"B": {"effect": found["share"], "ci": found["ci"], "p": found["p"],
                                              "verdict": _verdict(found)}}
               for credit, found in analysis.preferences.items()}
    teams = analysis.teams
    arms = {team: {"recommender": analysis.arms.get(team), "plays": teams["plays"][team],
                   "fallback": teams["fallback"][team]} for team in ("A", "B")}
    preference = {key: analysis.preference[key] for key in ("share", "ci", "p", "ties", "winner", "wins_a",
                                                               "wins_b", "listeners")}
    return _clean({
        "schema": SCHEMA, "kind": INTERLEAVING, "experiment": analysis.experiment,
        "logs": shown_path(analysis.logs), "alpha": analysis.alpha, "arms": arms, "metrics": metrics,
        "preference": {**preference, "credit": analysis.credit},
        "trust": {"steps": teams["steps"], "same_track": teams["same_track"], "sessions": analysis.sessions,
                  "partial": analysis.partial, "active": analysis.active,
                  "truncated_lines": analysis.truncated_lines},
    })


def _verdict(found):
    """'better' when B wins the sign test, 'worse' when A does, else 'no effect' (as for an A/B treatment)."""
    if found["winner"] is None:
        return "no effect"
    return "better" if found["wins_b"] > found["wins_a"] else "worse"


def write(report, out):
    """Write ``report`` as ``out/report.json``; return its path."""
    path = pathlib.Path(out) / REPORT_JSON
    path.write_text(json.dumps(report, indent=2, allow_nan=False) + "\n")
    return path


def read(path):
    """A report.json (a file, or the folder holding one) as a dict; one clear error when it is not one."""
    path = pathlib.Path(path)
    path = path / REPORT_JSON if path.is_dir() else path
    try:
        report = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise EventLogError(f"{path}: not a readable report.json ({error}); run botify report again") \
            from None
    if not isinstance(report, dict) or report.get("kind") not in (AB, INTERLEAVING):
        raise EventLogError(f"{path}: not a botify report.json (no kind 'ab' or 'interleaving')")
    return report


def effects_frame(report):
    """An A/B report's metrics as the effects table ``reporting.format_table`` prints."""
    alpha = report["alpha"]
    rows = [{"metric": metric, TREATMENT: arm, "control_mean": _nan(row["control_mean"]),
             "treatment_mean": _nan(row["treatment_mean"]), "effect": _nan(row["effect"]),
             "ci_low": _nan(row["ci"][0]), "ci_high": _nan(row["ci"][1]), "p_value": _nan(row["p"]),
             "p_holm": _nan(row["p_holm"]), "significant": _nan(row["p"]) < alpha,
             "significant_holm": _nan(row["p_holm"]) < alpha}
            for metric, arms in report["metrics"].items() for arm, row in arms.items()]
    frame = pd.DataFrame(rows)
    frame.attrs["alpha"] = alpha
    return frame


def _nan(value):
    return math.nan if value is None else value


def _clean(value):
    """JSON-ready: numpy scalars to Python, NaN and infinities to None."""
    if isinstance(value, dict):
        return {str(key): _clean(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(item) for item in value]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer, int)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return float(value) if math.isfinite(value) else None
    return value
