"""A class's grades, ranked: ``leaderboard.json`` for the instructor, ``leaderboard.html`` to publish.

A submission's pooled effect combines its seeds' effects on
mean_time_per_session, each weighted by the inverse of its variance (read off
its 95% interval), so a seed measured more precisely counts more. It wins when
every seed was graded and the pooled interval lies above zero. Ranks go by the
pooled effect, and submissions whose pooled intervals overlap share a rank: the
interval, not the third digit, says who is better. A void or failed submission
has no rank; its row says why. The page names the seeds only by number, so
publishing it keeps them hidden; the JSON file names them.
"""

import html
import json
import math

JSON = "leaderboard.json"
HTML = "leaderboard.html"
Z = 1.959964  # the normal 97.5% quantile: a 95% interval's half-width in standard errors


def rank(results):
    """Rows ranked from {submission: [its grade.json results, one per seed]}, best first."""
    rows = [_row(name, seeds) for name, seeds in sorted(results.items())]
    graded = sorted((row for row in rows if row["status"] == "graded"),
                    key=lambda row: (-row["pooled"]["effect"], row["submission"]))
    leader = None
    for position, row in enumerate(graded, 1):
        if leader is None or row["pooled"]["ci"][1] < leader["pooled"]["ci"][0]:
            leader = row  # no overlap with the group above: a rank of its own
            leader["rank"] = position
        row["rank"] = leader["rank"]
    others = [row for row in rows if row["status"] != "graded"]
    return graded + sorted(others, key=lambda row: (row["status"] != "void", row["submission"]))


def _row(name, seeds):
    status = next((s for s in ("void", "failed") if any(seed["status"] == s for seed in seeds)), "graded")
    reason = next((seed["reason"] for seed in seeds if seed["status"] == status), None)
    row = {"submission": name, "status": status, "reason": reason, "won": False, "rank": None,
           "pooled": None, "oracle_share": None,
           "seeds": [{key: seed.get(key) for key in ("world_seed", "traffic_seed", "status", "reason", "won",
                                                     "effect", "ci", "p")} for seed in seeds]}
    if status == "graded":
        row["pooled"] = pooled(seeds)
        row["won"] = row["pooled"]["ci"][0] > 0
        shares = [seed["oracle_share"]["treatment"] for seed in seeds if seed.get("oracle_share")]
        row["oracle_share"] = sum(shares) / len(shares) if shares else None
    return row


def pooled(seeds):
    """The inverse-variance weighted mean of the seeds' effects (percent), with its 95% interval."""
    weights = [(Z / ((seed["ci"][1] - seed["ci"][0]) / 2)) ** 2 for seed in seeds]
    effect = sum(w * seed["effect"] for w, seed in zip(weights, seeds)) / sum(weights)
    half = Z / math.sqrt(sum(weights))
    return {"effect": effect, "ci": [effect - half, effect + half]}


def write(rows, out, title, seeds):
    out.mkdir(parents=True, exist_ok=True)
    (out / JSON).write_text(json.dumps(rows, indent=2) + "\n")
    (out / HTML).write_text(as_html(rows, title, seeds))


def as_text(rows):
    """The table for the terminal."""
    lines = [f"{'rank':>4}  {'submission':<24} {'status':<7} pooled effect"]
    for row in rows:
        figure = _interval(row["pooled"]) if row["pooled"] else row["reason"]
        rank_text = str(row["rank"]) if row["rank"] else "-"
        lines.append(f"{rank_text:>4}  {row['submission']:<24} {row['status']:<7} {figure}"
                     + ("  WINS" if row["won"] else ""))
    return "\n".join(lines)


def _interval(figure):
    return f"{figure['effect']:+.1f}% [{figure['ci'][0]:+.1f}%, {figure['ci'][1]:+.1f}%]"


STYLE = """
body { font: 16px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem;
       color: #1d2330; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
p.note { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: .45rem .6rem; border-bottom: 1px solid #d9dde5; text-align: left; vertical-align: top; }
th { background: #f1f3f7; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.verdict { white-space: nowrap; }
tr.won td.verdict { color: #166534; font-weight: 600; }
tr.void td, tr.failed td { color: #7a7f8a; }
tr.submission.void td, tr.submission.failed td { border-bottom: none; }
tr.reason td { font-size: .9rem; padding-top: 0; }
"""


def as_html(rows, title, seeds):
    """One self-contained page: no script, no font or style from elsewhere."""
    heads = ["rank", "submission", "verdict", "pooled effect (95% CI)",
             *(f"seed {number}" for number in range(1, seeds + 1)), "share of the oracle"]
    body = []
    for row in rows:
        pooled = _interval(row["pooled"]) if row["pooled"] else "–"
        cells = [_cell(row["rank"] or "–", "num"), _cell(row["submission"]), _cell(_verdict(row), "verdict"),
                 _cell(pooled, "num")]
        cells += [_cell(_interval(seed) if seed.get("ci") else seed["status"], "num")
                  for seed in row["seeds"]]
        cells += [_cell("–", "num")] * (seeds - len(row["seeds"]))
        cells += [_cell(f"{row['oracle_share']:.1%}" if row["oracle_share"] is not None else "–", "num")]
        kind = "won" if row["won"] else row["status"]
        body.append(f'<tr class="submission {kind}">{"".join(cells)}</tr>')
        if row["reason"]:  # a line of its own under the row: the table stays as wide as its figures
            body.append(f'<tr class="reason {kind}"><td></td><td colspan="{len(heads) - 1}">'
                        f'{html.escape(row["reason"])}</td></tr>')
    header = "".join(f"<th>{html.escape(head)}</th>" for head in heads)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}: leaderboard</title><style>{STYLE}</style></head>
<body><h1>{html.escape(title)}: leaderboard</h1>
<p class="note">Effect on mean time per session against the assignment's baseline, in an A/B day on
each of {seeds} hidden world{'s' if seeds != 1 else ''}; pooled over them by inverse variance. A submission
wins when the pooled 95% interval lies above zero; overlapping intervals share a rank.</p>
<table><thead><tr>{header}</tr></thead><tbody>
{chr(10).join(body)}
</tbody></table></body></html>
"""


def _verdict(row):
    if row["status"] != "graded":
        return row["status"]
    return "wins" if row["won"] else "does not win"


def _cell(value, kind=None):
    attribute = f' class="{kind}"' if kind else ""
    return f"<td{attribute}>{html.escape(str(value))}</td>"
