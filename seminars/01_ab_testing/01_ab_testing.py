# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Botify (.venv)
#     language: python
#     name: botify
# ---

# %% [markdown]
# # Week 1 · A/B testing: does StickyArtist beat Random?
#
# A recommender is only as good as what it does to real listeners, and the way to find out is an
# **A/B test**: split the listeners at random into a control arm (C) and a treatment arm (T1), serve
# each arm its own recommender for a while, then compare what the two groups did. If the split is random,
# the only systematic difference between the groups is the recommender, so a difference in behaviour
# that is too large to be luck is the recommender's **effect**.
#
# "Too large to be luck" is the hard part. In this seminar you run the whole loop on the real botify
# service and learn the three habits that keep an A/B test honest:
#
# 1. **Compare listeners, not sessions.** Listeners were randomised, so listeners are the unit of analysis.
# 2. **Trust the pipeline only after an A/A test.** Two arms with the same recommender must look the same.
# 3. **Check the sample ratio.** If the arms do not have the sizes the split promised, something lost
#    or moved listeners unevenly, and no effect can be trusted.
#
# The plan: one day of traffic with experiment `AA` (Random against Random), one day with `STICKY_ARTIST`
# (Random against StickyArtist, which plays another track by the artist you just heard), then the analysis.
#
# **You write four pieces of that analysis yourself** (Tasks 1.1–1.4): cutting the log into sessions, one
# value per listener, Welch's interval of the relative effect, and the session-level test that section 7
# shows to be overconfident. Each task is a function in a cell marked as a task; the cell after it checks
# your function on a small planted case (and on the day's real data) and says in one sentence what is wrong,
# if anything. The lesson then goes on with the package's own version, so an unfinished task never breaks
# the cells after it. The exercise's answer is in the Solutions section at the end.

# %%
import shutil

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import PercentFormatter
from scipy import stats

import sim
from botify.analysis import (
    aa_split,
    arm_labels,
    effects,
    effects_plot,
    load_events,
    read_description,
    session_plots,
    sessionize,
    srm,
    user_metrics,
    welch,
)
from botify.notebook import ensure_world, show_report, start_botify
from botify.teaching.week1_ab_testing import (
    check_listener_means,
    check_relative_interval,
    check_session_level,
    check_sessions,
)
from botify.training.data import read_catalog

sns.set_theme(style="whitegrid", context="notebook")

# %% tags=["parameters"]
DATA = "../../data"            # the world: public catalog (botify reads it) and hidden listeners
                               # (sim reads them)
WORLD_SEED = 31337             # used only if DATA holds no world yet
TRACKS = 50_000
USERS = 10_000
LOGS = "../../log/week1"       # this notebook's event logs, one folder per day
EPISODES = 3000                # listening sessions per simulated day
PROCESSES = 2                  # simulator processes sending traffic in parallel
SEED = 0
AA_SPLITS = 500                # random re-splits in the A/A false-positive experiment

# %% [markdown]
# ## 0. The world and two fresh log folders
#
# `ensure_world` generates the simulated world (the track catalog botify serves and the hidden tastes of the
# listeners) unless `DATA` already holds one. Each day of traffic gets its own log folder.

# %%
ensure_world(DATA, seed=WORLD_SEED, tracks=TRACKS, users=USERS)

AA_LOGS, STICKY_LOGS = f"{LOGS}/aa", f"{LOGS}/sticky_artist"
# botify appends to an existing log folder, so a re-run would mix today's events with the last run's:
# start both days from empty folders.
for folder in (AA_LOGS, STICKY_LOGS):
    shutil.rmtree(folder, ignore_errors=True)

# %% [markdown]
# ## 1. Two days of traffic
#
# `start_botify` runs the real service (gunicorn workers, Redis, the event log) with one experiment active,
# and stops it when the `with` block ends. `sim.simulate` then plays `EPISODES` listening sessions against it
# over HTTP: each simulated listener hears a first track of their own choice, asks botify for the next one,
# listens to part of it, asks again, and eventually leaves. botify logs every request.
#
# **Day one, experiment `AA`.** Both arms get the Random recommender. Nothing can differ between them, which
# is exactly what makes this day useful later.

# %%
with start_botify("AA", data=DATA, log_dir=AA_LOGS) as service:
    aa_day = sim.simulate(world=DATA, agent="remote", url=service.url, episodes=EPISODES,
                          processes=PROCESSES, seed=SEED, first_day=0)

# %% [markdown]
# **Day two, experiment `STICKY_ARTIST`.** Control keeps Random; the treatment arm gets StickyArtist.
# `first_day=1` makes it the next day of the same story: many of yesterday's listeners come back.

# %%
with start_botify("STICKY_ARTIST", data=DATA, log_dir=STICKY_LOGS) as service:
    sticky_day = sim.simulate(world=DATA, agent="remote", url=service.url, episodes=EPISODES,
                              processes=PROCESSES, seed=SEED, first_day=1)
sticky_day.head()

# %% [markdown]
# The simulator reports each session it played (who listened, how long, how many tracks). That table is the
# simulator's private view; in production you would not have it. From here on we use **only botify's logs**,
# like a real analyst, and the simulator's table serves as a check that nothing got lost.

# %% [markdown]
# ## 2. From events to sessions
#
# ### 2.1 The event log
#
# Each line of the log is one request: `next` (the listener heard `track` for a share `time` of it and asks
# for the next one; botify answered `recommendation`) or `last` (the listener heard `track` and left).
# `load_events` reads every log file of a folder into one table ordered by time.

# %%
sticky_events = load_events(STICKY_LOGS)
print(f"{len(sticky_events):,} events from {sticky_events['user'].nunique():,} listeners")
sticky_events.head()

# %% [markdown]
# Look at the columns to the right of `fallback`: there is one per **registered** experiment (`AA`,
# `STICKY_ARTIST`, `TOP_POP`, ...), not just the one that was active. botify logs the listener's arm in every
# experiment, because the assignment is a fixed hash of the listener and the experiment's name. Only one of
# those columns describes what the listener actually heard; the log folder says which one:

# %%
print("active experiment in", STICKY_LOGS, "->", read_description(STICKY_LOGS)["active"])
arms = arm_labels(STICKY_LOGS, "STICKY_ARTIST")
arm_names = ", ".join(f"{arm} = {recommender}" for arm, recommender in arms.items())
print("its arms:", arm_names)

# %% [markdown]
# ### 2.2 Sessions
#
# A **session** is one listener's events in time order, up to and including their `last`. Its `time` is the
# sum of the shares listened (so 2.5 means "two and a half tracks' worth of listening") and its `tracks` the
# number of events.
#
# **Task 1.1.** Write `sessions_of(events)`. It gets an event table like `sticky_events` (one row per request,
# in time order, the listeners' requests interleaved) and returns one row per **complete** session with the
# columns `user`, `start` and `end` (the `timestamp` of the session's first and last event), `tracks` and
# `time`; the order of the rows does not matter. The rules:
#
# - cut each listener's events on their own: another listener's `last` ends nothing of yours;
# - a session ends **with** its `last` event (the `last` counts as one of its tracks and its share is added);
#   the listener's next event starts a new session;
# - a listener's events after their final `last` are a session still going on when the log was read:
#   drop them.
#
# Example: user 12 sends `next` at 10:00 (share 1.0), `next` at 10:01 (0.4) and `last` at 10:02 (0.6), then
# `next` at 10:10. That is one session from 10:00 to 10:02 with 3 tracks and time 2.0; the 10:10 event is
# dropped. (Hint: sort by user and timestamp, then count the `last` events *before* each row within its
# listener: that count numbers the sessions.)

# %% tags=["task"]
def sessions_of(events):
    """One row per complete session of ``events``: columns user, start, end (ms), tracks, time."""
    ### BEGIN SOLUTION
    events = events.sort_values(["user", "timestamp"], kind="stable")
    is_last = (events["message"] == "last").astype(int)
    number = is_last.groupby(events["user"]).cumsum() - is_last  # lasts before this row, per listener
    sessions = (events.assign(number=number, is_last=is_last)
                .groupby(["user", "number"])
                .agg(start=("timestamp", "min"), end=("timestamp", "max"), tracks=("timestamp", "size"),
                     time=("time", "sum"), ended=("is_last", "max"))
                .reset_index())
    return sessions.loc[sessions["ended"] == 1, ["user", "start", "end", "tracks", "time"]]
    ### END SOLUTION


# %% tags=["check"]
check_sessions(sessions_of, sticky_events)
### BEGIN HIDDEN TESTS
check_sessions(sessions_of, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# From here on we use the package's `sessionize`, which your function just matched. It does the same cut
# without a `groupby` (fast on millions of events), numbers the sessions by start, and keeps every session's
# arm in each experiment.

# %%
sticky_sessions = sessionize(sticky_events)
print(f"{len(sticky_sessions):,} sessions in the log; the simulator played {len(sticky_day):,}")
assert abs(len(sticky_sessions) - len(sticky_day)) <= 0.01 * len(sticky_day)
sticky_sessions[["session", "user", "tracks", "time", "STICKY_ARTIST"]].head()

# %% [markdown]
# Before any statistics, look at a few sessions track by track. Below, four random sessions from each arm:
# the share of each track the listener heard, with a ring around tracks by the same artist as the track
# before (that is what StickyArtist is designed to do). The first track is the listener's own pick and always
# counts as fully heard.

# %% tags=["figure"]
catalog = read_catalog(DATA)


def session_events(events, session):
    """The events of one session, numbered from 1, with the track's artist."""
    own = events[(events["user"] == session.user) & events["timestamp"].between(session.start, session.end)]
    artists = catalog["artist"].reindex(own["track"]).to_numpy()
    return own.assign(position=np.arange(1, len(own) + 1), artist=artists,
                      same_artist=np.r_[False, artists[1:] == artists[:-1]],
                      session=session.session, arm=session.STICKY_ARTIST)


picked = sticky_sessions.groupby("STICKY_ARTIST", observed=True).sample(4, random_state=SEED)
few = pd.concat([session_events(sticky_events, row) for row in picked.itertuples()], ignore_index=True)
few["arm"] = [f"{arm} = {arms[arm]}" for arm in few["arm"]]
few["example"] = few.groupby("arm")["session"].rank(method="dense")  # 1..4 within each arm, for the colours
grid = sns.relplot(data=few, x="position", y="time", hue="example", col="arm", kind="line", marker="o",
                   palette="deep", legend=False, height=3.6, aspect=1.35)
for ax, (arm, rows) in zip(grid.axes.flat, few.groupby("arm", sort=True)):
    same = rows[rows["same_artist"]]
    ax.scatter(same["position"], same["time"], s=160, facecolors="none", edgecolors="black", linewidths=1.2)
grid.set_axis_labels("track number in the session", "share of the track heard")
grid.set_titles("{col_name}")
grid.figure.suptitle("Four sessions per arm (ring: same artist as the previous track)", y=1.03)
plt.show()

# %% [markdown]
# What to look at: under Random, after the listener's own first track most recommendations are skipped almost
# at once (a share near 0), with an occasional hit, and rings are rare. Under StickyArtist nearly every track
# has a ring. When the listener likes the artist, the first few tracks are heard for a good share, and then
# the share falls as they tire of hearing the same artist again and again (the simulated listeners enjoy an
# artist less with every track of theirs they have heard in the session); when they do not, the session
# stalls at once.
#
# Four sessions prove nothing, of course; now the whole day. First the distribution of session time per arm,
# then how each arm's running mean settled as the day's sessions came in (the simulated day lasts as long as
# the traffic took to send, so its clock runs in seconds).

# %% tags=["figure"]
fig, ax = plt.subplots(figsize=(8, 3.8))
sns.histplot(data=sticky_sessions, x="time", hue="STICKY_ARTIST", hue_order=["C", "T1"], stat="density",
             common_norm=False, element="step", binwidth=0.25, ax=ax)
ax.set(xlabel="session time (tracks' worth of listening)", ylabel="share of sessions (density)",
       title=f"Session time per arm of STICKY_ARTIST ({arm_names})",
       xlim=(0, sticky_sessions["time"].quantile(0.995)))
plt.show()
session_plots(sticky_sessions, "STICKY_ARTIST")

# %% [markdown]
# The StickyArtist histogram sits to the right of Random's, and the running means separate early in the day
# and stay apart while their bands (±1.96 standard errors) shrink. It looks like a clear win. But the bands in
# that picture treat every session as an independent draw, and sessions are not independent: the same
# listener comes back with the same tastes. Section 3 does it properly.

# %% [markdown]
# ## 3. Listener-level metrics and Welch confidence intervals
#
# The experiment randomised **listeners** (botify hashes the user id), so each listener is one observation.
#
# **Task 1.2.** Write `listener_means(sessions, experiment)`. It gets a sessions table like `sticky_sessions`
# and the name of the experiment to analyse, and returns one row per listener with the columns `user`,
# `treatment` (the listener's arm, `"C"` or `"T1"`, read from the session column named `experiment`),
# `sessions` (how many sessions they had) and `mean_time_per_session` (their total session time divided by
# their number of sessions). Sessions with no arm in `experiment` are left out. Example: a listener of arm
# T1 with sessions of time 2.0 and 1.5 gives one row `T1, 2, 1.75`.

# %% tags=["task"]
def listener_means(sessions, experiment):
    """One row per listener: user, treatment (arm in ``experiment``), sessions, mean_time_per_session."""
    ### BEGIN SOLUTION
    per_listener = (sessions.groupby(["user", experiment], observed=True)["time"]
                    .agg(sessions="size", mean_time_per_session="mean")
                    .reset_index().rename(columns={experiment: "treatment"}))
    return per_listener.assign(treatment=per_listener["treatment"].astype(str))
    ### END SOLUTION


# %% tags=["check"]
check_listener_means(listener_means, sticky_sessions, "STICKY_ARTIST")
### BEGIN HIDDEN TESTS
check_listener_means(listener_means, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# The package's `user_metrics` computes your table and more: per listener and arm, totals (`sessions`,
# `tracks`, `time`), the per-session means (`mean_tracks_per_session`, `mean_time_per_session`) and
# `mean_request_latency` (seconds per request, how fast botify answered). We use it from here on.

# %%
sticky_users = user_metrics(sticky_sessions, "STICKY_ARTIST")
print(sticky_users.groupby("treatment").size().rename("listeners").to_string())
sticky_users.head()

# %% tags=["figure"]
fig, ax = plt.subplots(figsize=(8, 3.8))
sns.histplot(data=sticky_users, x="mean_time_per_session", hue="treatment", hue_order=["C", "T1"],
             stat="density", common_norm=False, element="step", binwidth=0.25, ax=ax)
for color, (arm, rows) in zip(sns.color_palette(), sticky_users.groupby("treatment", sort=True)):
    ax.axvline(rows["mean_time_per_session"].mean(), color=color, ls="--", label=f"mean of {arm}")
ax.set(xlabel="listener's mean session time", ylabel="share of listeners (density)",
       title="One value per listener: mean session time (dashed: the arm's mean)",
       xlim=(0, sticky_users["mean_time_per_session"].quantile(0.995)))
plt.show()

# %% [markdown]
# The question is whether the two dashed lines are further apart than chance would put them. **Welch's
# t-test** answers it without assuming the two arms have the same spread (a new recommender often changes the
# spread as well as the mean). Effects are easier to compare across metrics **relative to the control
# mean**, in percent, and that is how botify reports them.
#
# **Task 1.3.** Write `relative_interval(control, treated)`: it gets the per-listener values of one metric in
# each arm (two pandas Series, one number per listener) and returns a tuple `(effect, low, high)` in percent
# of the control mean. The method, exactly as botify's `effects` (and so `botify report`) computes it:
#
# - the difference of the means: `d = mean(T1) - mean(C)`;
# - its standard error from each arm's own **sample** variance (`ddof=1`):
#   `se = sqrt(var_C/n_C + var_T1/n_T1)`;
# - the Welch–Satterthwaite degrees of freedom:
#   `df = (var_C/n_C + var_T1/n_T1)**2 / ((var_C/n_C)**2/(n_C - 1) + (var_T1/n_T1)**2/(n_T1 - 1))`;
# - the 95% interval of the difference: `d ± t × se` with `t = scipy.stats.t.ppf(0.975, df)` (about 1.96 for
#   arms of hundreds of listeners, wider for small arms);
# - all three numbers divided by the control mean and multiplied by 100.
#
# The last step treats the control mean as known. That is not a delta-method interval (which would also count
# the control mean's own noise and come out slightly wider); with hundreds of listeners per arm the two hardly
# differ, and this way "significant" means exactly "the interval of the difference excludes 0".

# %% tags=["task"]
def relative_interval(control, treated):
    """Welch's 95% interval of mean(treated) - mean(control), as (effect, low, high) in % of mean(control)."""
    ### BEGIN SOLUTION
    var_c, var_t = control.var(ddof=1) / len(control), treated.var(ddof=1) / len(treated)
    difference = treated.mean() - control.mean()
    df = (var_c + var_t) ** 2 / (var_c**2 / (len(control) - 1) + var_t**2 / (len(treated) - 1))
    margin = stats.t.ppf(0.975, df) * np.sqrt(var_c + var_t)
    return tuple(100 * np.array([difference, difference - margin, difference + margin]) / control.mean())
    ### END SOLUTION


# %% tags=["check"]
check_relative_interval(relative_interval, sticky_users)
### BEGIN HIDDEN TESTS
check_relative_interval(relative_interval, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# The package's `welch` returns the same test on the absolute scale, with its p-value; scipy's Welch test
# agrees on the p-value.

# %%
control = sticky_users.loc[sticky_users["treatment"] == "C", "mean_time_per_session"]
treated = sticky_users.loc[sticky_users["treatment"] == "T1", "mean_time_per_session"]
by_welch = welch(control, treated)
print(f"welch():  difference {by_welch['diff']:.3f}, [{by_welch['low']:.3f}, {by_welch['high']:.3f}] "
      f"({by_welch['df']:.0f} degrees of freedom), p = {by_welch['p_value']:.2g}")
print(f"scipy:    p = {stats.ttest_ind(treated, control, equal_var=False).pvalue:.2g}")

# %% [markdown]
# `effects` does this for every metric and states each effect **relative to the control mean**, in percent, so
# metrics on different scales can be read side by side. `effects_plot` draws the table: one panel per metric,
# each on its own scale, green for a significant improvement, red for a significant harm, grey for "cannot
# tell". Lower latency is better, so a significant rise in latency is red.

# %%
sticky_effects = effects(sticky_users)
sticky_effects[["metric", "control_mean", "treatment_mean", "effect", "ci_low", "ci_high",
                "p_value"]].round(4)

# %% tags=["figure"]
effects_plot(sticky_effects, title=f"STICKY_ARTIST ({arm_names})")

# %%
mean_time = sticky_effects.set_index("metric").loc["mean_time_per_session"]
print(f"StickyArtist vs Random, mean time per session: {mean_time.effect:+.1f}% "
      f"[{mean_time.ci_low:+.1f}%, {mean_time.ci_high:+.1f}%], p = {mean_time.p_value:.2g}")
assert mean_time.ci_low > 0, "StickyArtist should beat Random on session time"

# %% [markdown]
# How to read it:
#
# - **Session time and tracks per session** go up a lot, with intervals far from zero (the cell above prints
#   mean time per session; in our run at course size (2026-12-06): +87.0% [+80.2%, +93.8%]). Listeners like
#   hearing more of an artist they just heard, at least for a few tracks. The totals per listener (`tracks`,
#   `time`) go up with them.
# - **Sessions per listener** should show no effect: in this simulator, how often someone comes back does not
#   depend on what they heard. A metric the treatment cannot move is a good sanity check.
# - **Latency** gets worse: StickyArtist looks the artist up before answering, Random does not. In relative
#   terms the increase is large; in absolute terms it is a millisecond or two at most (compare `control_mean`
#   and `treatment_mean` in the table, in seconds; both depend on how busy the machine was). An effect can be
#   significant and still not matter: the plot tells you the first, you decide the second.
#
# Should we believe these intervals? A 95% interval is worth something only if the pipeline behind it (the
# split, the logging, sessionizing, the metric, the test) does what we think. Sections 4–6 check that.

# %% [markdown]
# ## 4. The A/A test must come out clean
#
# On day one both arms heard Random. Any "effect" there is produced by the pipeline or by luck, never by a
# recommender. So before trusting an A/B result, run the same analysis on an A/A test: if it finds effects
# much more often than the 5% the test promises, something in the pipeline is broken, and the A/B verdict
# means nothing.
#
# `show_report` is the whole of sections 2–3 in one call (load, sessionize, listener metrics, effects, plot)
# plus the trust checks.

# %% tags=["figure"]
aa_report = show_report(AA_LOGS, "AA")

# %% [markdown]
# The table has a column that section 3's did not: `p_holm`, the p-value after Holm's correction for testing
# several treatments against one control. With one treatment (T1) each metric asks a single question, so
# there is nothing to correct and `p_holm` equals `p_value`; the two differ once an experiment has T1, T2, ...
#
# What to look at: the points should be grey and every interval should straddle zero. Each metric is tested
# at 5%, so across six metrics one coloured point now and then is possible by luck alone; section 5 measures
# how often that happens. The trust lines should say the sample ratio is "ok" and that neither arm fell back
# to random tracks (there is nothing to fall back from: Random needs no data).
#
# **A trap the log sets.** The day-one log also carries a `STICKY_ARTIST` column (botify logs every
# experiment). Analysing it compares listeners who *would* have been split for StickyArtist but all heard
# Random: an A/A test in disguise, no matter what the arm names say.

# %%
aa_sessions = aa_report.sessions
print("active on day one:", read_description(AA_LOGS)["active"])
wrong_effects = effects(user_metrics(aa_sessions, "STICKY_ARTIST"))
wrong_day = wrong_effects.set_index("metric").loc["mean_time_per_session"]
print(f"'STICKY_ARTIST' read from the A/A day: {wrong_day.effect:+.1f}% "
      f"[{wrong_day.ci_low:+.1f}%, {wrong_day.ci_high:+.1f}%], p = {wrong_day.p_value:.2g}")

# %% [markdown]
# The large effect of section 3 has vanished: what is left is an interval around zero, like any A/A test's,
# even though the column is called `STICKY_ARTIST` and the log's description names StickyArtist as T1. Always
# analyse the experiment that was `active` when the log was written, and keep one log folder per experiment.

# %% [markdown]
# ## 5. How often does a clean A/A test fail?
#
# At significance level 5%, a correct test on two identical arms calls a difference "significant" 5% of the
# time. That is the **false-positive rate**, and we can measure it. Everyone on day one heard Random, so any
# random split of day one's listeners into two halves is an A/A test. `aa_split` makes such a split; we make
# `AA_SPLITS` of them with different seeds and run `effects` on each.
#
# If the pipeline is right, the p-values of a metric are spread **evenly** over [0, 1] (a flat histogram),
# so about 5% of them fall below 0.05.

# %% tags=["figure"]
aa_users = user_metrics(aa_sessions).assign(treatment="C")  # every listener of day one heard Random
aa_p_values = pd.concat([effects(aa_split(aa_users, seed=seed))[["metric", "p_value"]].assign(split=seed)
                         for seed in range(AA_SPLITS)], ignore_index=True)

grid = sns.displot(data=aa_p_values, x="p_value", col="metric", col_wrap=3, bins=20, binrange=(0, 1),
                   height=2.6, aspect=1.3)
for ax in grid.axes.flat:
    ax.axhline(AA_SPLITS / 20, color="black", ls="--", lw=1)
    ax.axvspan(0, 0.05, color="red", alpha=0.15)
grid.set_titles("{col_name}")
grid.set_axis_labels("p-value", "splits")
grid.figure.suptitle(f"p-values of {AA_SPLITS} A/A splits of day one "
                     "(dashed: a flat histogram; red: below 0.05)", y=1.03)
plt.show()


# %% [markdown]
# Now the share of splits below 0.05, per metric. It is itself an estimate from `AA_SPLITS` tries, so it comes
# with a 95% confidence interval (the exact binomial one, Clopper–Pearson).

# %%
def share_with_ci(flags):
    """Share of True in ``flags`` with its 95% Clopper–Pearson interval."""
    interval = stats.binomtest(int(np.sum(flags)), len(flags)).proportion_ci(confidence_level=0.95)
    return pd.Series({"share": np.mean(flags), "ci_low": interval.low, "ci_high": interval.high})


aa_false_positives = (aa_p_values.assign(significant=aa_p_values["p_value"] < 0.05)
                      .groupby("metric", sort=False)["significant"].apply(share_with_ci).unstack())
aa_false_positives.style.format("{:.1%}")

# %%
user_level_rate = aa_false_positives.loc["mean_time_per_session"]
assert user_level_rate["share"] < 0.25, user_level_rate  # loose: the smoke test has only a few dozen splits

# %% [markdown]
# What to look at: each histogram is roughly flat (with the ups and downs of a few hundred random draws), and
# each interval in the table should contain 5%. With six metrics, one interval that misses 5% by a little is
# itself not surprising. (In our run at course size (2026-12-06): mean time per session 4.6% [2.9%, 6.8%]
# over 500 splits.)
#
# Two remarks. First, this is why a single A/A test proves little: a pipeline that is right still fails one
# A/A test in twenty, and a slightly broken one passes most of them. Repeating splits measures the rate
# directly. Second, re-splitting one day's listeners checks the analysis (metrics and test), not the
# assignment or the logging; the real A/A day of section 4 checked those.

# %% [markdown]
# ## 6. Sample ratio mismatch: the check that catches broken logs
#
# `AA` and `STICKY_ARTIST` split listeners 50/50. With hundreds of listeners per arm the counts are never
# exactly equal, but they should be as close as a fair coin makes them. `srm` tests exactly that, with a
# chi-square test of listeners per arm against the promised split. It raises the alarm below p = 0.001
# rather than 0.05, because it runs on every experiment and a false alarm stops a good one.

# %%
for name, users in (("AA, day one", aa_report.metrics), ("STICKY_ARTIST, day two", sticky_users)):
    check = srm(users)
    counts = ", ".join(f"{row.treatment}: {row.users:,}" for row in check["arms"].itertuples())
    print(f"{name:24} listeners {counts:24} p = {check['p_value']:.3f}  mismatch: {check['mismatch']}")

# %% [markdown]
# Both healthy. Now a realistic way to break an experiment. Say your team rewrote the Random recommender and
# runs the rewrite as T1 of an A/A test (a common way to check a refactor: same behaviour, new code). The new
# code ships with a "bot filter" that nobody meant to include: it drops any session of 5 tracks or fewer, on
# the theory that humans listen longer. It runs only where the new code runs, so only T1 loses sessions.
#
# We can replay that bug on the day-one sessions by removing what the filter would have removed.

# %%
bot_filter = (aa_sessions["AA"] == "T1") & (aa_sessions["tracks"] <= 5)   # the bug: only T1's servers filter
filtered_sessions = aa_sessions[~bot_filter]
filtered_users = user_metrics(filtered_sessions, "AA")
print(f"the filter removed {bot_filter.sum():,} of {(aa_sessions['AA'] == 'T1').sum():,} T1 sessions")

filtered_srm = srm(filtered_users)
print(filtered_srm["arms"].to_string(index=False))
print(f"sample ratio: p = {filtered_srm['p_value']:.2g}, mismatch: {filtered_srm['mismatch']}")
assert (filtered_srm["arms"].set_index("treatment")["users"]["T1"]
        < srm(aa_report.metrics)["arms"].set_index("treatment")["users"]["T1"])

# %% tags=["figure"]
effects_plot(effects(filtered_users), title="AA with the bot filter on T1 only",
             warning=(f"SAMPLE RATIO MISMATCH (p = {filtered_srm['p_value']:.2g}): do not trust these effects"
                      if filtered_srm["mismatch"] else None))

# %% [markdown]
# Look at what the bug did. Both arms heard the same recommender, yet T1 now "wins" on tracks and time per
# session: the filter removed T1's shortest sessions, and with them the listeners who only had short sessions,
# so the T1 listeners left over are the keener ones. Nothing in the effects table says so; the effects look
# like a real, plausible improvement. The listener counts give it away: T1 lost a large share of its listeners
# and the chi-square test calls it. (In our run at course size (2026-12-06): T1 kept 638 of its 869 listeners,
# p = 1.6e-10, and the A/A test "found" +4.8% [+1.0%, +8.6%] on mean time per session. With only a few
# hundred listeners the same bug may stay under the 0.001 bar: the check needs enough listeners, like
# everything else.)
#
# Causes of a sample ratio mismatch seen in real systems: logging or filtering that differs between arms (this
# one), a treatment that crashes or is slower so that some of its sessions never reach the log, listeners
# moved between arms mid-experiment, or a split that is not what you assumed (an analysis that expects 50/50
# while the service ran 90/10; `srm(users, split={"C": 90, "T1": 10})` checks against the split you intended).
# Whatever the cause, the rule is the same: **with a mismatch, do not read the effects**; find the bug first.

# %% [markdown]
# ## 7. Why per listener, not per session?
#
# Sessions look like the natural unit of a music service, and there are more of them than listeners, so a
# session-level test seems more powerful. Let us see what it does on the A/A day, where we know the truth: no
# effect at all.
#
# **Task 1.4.** Write `session_level_p_value(sessions, halves, column)`: Welch's two-sided p-value comparing
# `column` (`"time"` or `"tracks"`) between the sessions of the two halves, **each session one
# observation**. `sessions` is a sessions table like `aa_sessions`; `halves` has one row per listener with
# the columns `user` and `treatment` (`"C"` or `"T1"`), as `aa_split` returns them. A session belongs to the
# half of its listener (take it from `halves`, not from an experiment column of the sessions). Sessions of
# listeners that are not in `halves` are left out. `welch` (or scipy's `ttest_ind` with `equal_var=False`)
# does the test once you have the two groups of sessions.

# %% tags=["task"]
def session_level_p_value(sessions, halves, column="time"):
    """Welch's two-sided p-value of ``column`` between the halves' sessions, every session one observation."""
    ### BEGIN SOLUTION
    half = sessions["user"].map(halves.set_index("user")["treatment"])
    return welch(sessions.loc[half == "C", column], sessions.loc[half == "T1", column])["p_value"]
    ### END SOLUTION


# %% tags=["check"]
check_session_level(session_level_p_value)
### BEGIN HIDDEN TESTS
check_session_level(session_level_p_value, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# Now the session-level test on the same `AA_SPLITS` re-splits of day one's listeners as in section 5, next to
# the listener-level rates measured there. (The cell does what your function does with the package's `welch`,
# so it runs whether or not your task is done.)

# %% tags=["figure"]
def split_p_values(split):
    """Session-level Welch p-values of time and tracks for one A/A split of day one's listeners."""
    halves = dict(tuple(aa_sessions.merge(split[["user", "treatment"]], on="user").groupby("treatment")))
    return {column: welch(halves["C"][column], halves["T1"][column])["p_value"]
            for column in ("time", "tracks")}


session_p_values = pd.DataFrame([split_p_values(aa_split(aa_users, seed=seed)) for seed in range(AA_SPLITS)])
labels = {"session time": ("mean_time_per_session", "time"),
          "tracks per session": ("mean_tracks_per_session", "tracks")}
rates = pd.concat({
    "listener level (section 5)": pd.DataFrame({name: aa_false_positives.loc[metric]
                                                for name, (metric, _) in labels.items()}).T,
    "session level": pd.DataFrame({name: share_with_ci(session_p_values[column] < 0.05)
                                   for name, (_, column) in labels.items()}).T,
}, names=["unit", "metric"])

fig, ax = plt.subplots(figsize=(8, 3.6), layout="constrained")
for offset, (unit, rows) in zip((-0.12, 0.12), rates.groupby(level="unit", sort=False)):
    ax.errorbar(rows["share"], np.arange(len(rows)) + offset, fmt="o", capsize=4, ms=8, label=unit,
                xerr=[rows["share"] - rows["ci_low"], rows["ci_high"] - rows["share"]])
ax.axvline(0.05, color="black", ls="--", lw=1, label="the promised 5%")
ax.set_yticks(range(len(labels)), list(labels))
ax.xaxis.set_major_formatter(PercentFormatter(1.0))
ax.set(xlabel=f"share of {AA_SPLITS} A/A splits with p < 0.05 (95% CI)", xlim=(0, None),
       ylim=(len(labels) - 0.5, -0.5),
       title="False-positive rate of an A/A test: listeners vs sessions as the unit")
fig.legend(frameon=False, loc="outside lower center", ncol=3)
plt.show()
rates.style.format("{:.1%}")

# %% [markdown]
# The session-level test fails its A/A test far more often than the 5% it promises, and worse on tracks per
# session than on session time, while the listener-level test stays near 5%. The lesson rests on that, so the
# next cell checks it (at course size; a smoke run has too few splits and listeners to tell).

# %%
session_rate = rates.loc[("session level", "tracks per session"), "share"]
listener_rate = rates.loc[("listener level (section 5)", "tracks per session"), "share"]
print(f"tracks per session, A/A false positives: {session_rate:.1%} per session, "
      f"{listener_rate:.1%} per listener")
if EPISODES >= 3000 and AA_SPLITS >= 500:
    assert rates.loc[("session level", "tracks per session"), "ci_low"] > 0.05, rates
    assert rates.loc[("session level", "session time"), "share"] > listener_rate, rates
else:
    print("(smoke size: not checked)")

# %% [markdown]
# On the real A/B test the session-level interval for StickyArtist against Random on session time, next to
# the listener-level interval of section 3:

# %%
arm = sticky_sessions["STICKY_ARTIST"]
per_session = welch(sticky_sessions.loc[arm == "C", "time"], sticky_sessions.loc[arm == "T1", "time"])
base = sticky_sessions.loc[arm == "C", "time"].mean()
print(f"session level:  {100 * per_session['diff'] / base:+.1f}% "
      f"[{100 * per_session['low'] / base:+.1f}%, {100 * per_session['high'] / base:+.1f}%]  "
      f"width {100 * (per_session['high'] - per_session['low']) / base:.1f} points, "
      f"{arm.notna().sum():,} sessions")
print(f"listener level: {mean_time.effect:+.1f}% [{mean_time.ci_low:+.1f}%, {mean_time.ci_high:+.1f}%]  "
      f"width {mean_time.ci_high - mean_time.ci_low:.1f} points, {len(sticky_users):,} listeners")

# %% [markdown]
# And how alike one listener's sessions are. Among listeners with several sessions on day one: how many
# sessions they have, and how much of the spread of session time and length lies *between* listeners rather
# than between the sessions of one listener (0% would mean a listener's sessions are as different from each
# other as anyone's; 100% would mean they are all the same).

# %%
sessions_per_listener = aa_users["sessions"]
print(f"sessions per listener on day one: mean {sessions_per_listener.mean():.1f}, "
      f"median {sessions_per_listener.median():.0f}, most {sessions_per_listener.max()}")
returning = aa_sessions[aa_sessions.groupby("user")["user"].transform("size") > 1]
for column in ("time", "tracks"):
    between = 1 - returning.groupby("user")[column].var().mean() / returning[column].var()
    print(f"session {column}: {between:.0%} of its variance is between listeners")

# %% [markdown]
# ### Exercise: explain what you see
#
# 1. Why does the session-level test call "significant" so much more often than 5% on an A/A test, where
#    nothing differs? Use the last cell's numbers.
# 2. Why does tracks per session suffer more than session time?
# 3. On the real A/B test the session-level interval is narrower. Is it the better one to report?
#
# Write your answer in the last cell of the notebook, under "Solutions", then compare.

# %% [markdown]
# ## Summary
#
# - An A/B test compares **listeners** randomised into arms: `load_events` → `sessionize` → `user_metrics`
#   → `effects` (Welch intervals, in % of control) → `effects_plot`; `show_report` does all of it in one call.
# - botify logs every listener's arm in **every** registered experiment; analyse the one that was `active`
#   for that log, or you are reading an A/A test in disguise.
# - StickyArtist beats Random on session time and tracks per session by a wide margin, costs a little
#   latency, and does not change how often listeners come back.
# - An **A/A test** must come out clean; repeated A/A splits measure the false-positive rate, which should be
#   about 5%, with flat p-value histograms.
# - A **sample ratio mismatch** (listeners per arm off the promised split) means something removed or moved
#   listeners unevenly: a bug can manufacture a convincing effect, and only the SRM check notices.
# - **Sessions are not independent**: a session-level test is overconfident and fails A/A tests far more than
#   5% of the time. Aggregate per listener, the unit that was randomised.
#
# Next week: recommenders that learn from these logs (popularity, and how to evaluate a model offline before
# it goes into an A/B test).

# %% [markdown]
# ## Solutions

# %% [markdown]
# ### BEGIN SOLUTION
# **Section 7.** The arms were made by splitting *listeners*, so the chance in the experiment is which
# listeners landed in which arm. A session-level test pretends that every session was assigned on its own.
# But sessions of one listener are alike (the same tastes, the same patience), and a few very active listeners
# contribute dozens of sessions each while most listeners have one (in our run at course size (2026-12-06): up
# to 34 sessions; 39% of the variance of session time and 88% of that of session length lies between
# listeners). Whichever arm a heavy listener falls into, all their sessions move that arm's mean together.
# The real noise of the session-level difference is therefore larger than the formula assumes, and the
# standard error comes out too small:
#
# 1. in the A/A splits the session-level test calls "significant" far more often than 5%, while the
#    listener-level test stays near 5% (in that run: 14.0% for session time and 28.2% for
#    tracks per session, against 4.6% and 6.0% per listener);
# 2. tracks per session suffer most because a session's length depends mostly on the listener's patience, a
#    trait of theirs, so one listener's sessions are even more alike in length than in time (88% against 39%
#    of the variance between listeners);
# 3. on the real A/B test the session-level interval looks more precise, but that precision is not earned:
#    with a smaller true effect, the same overconfidence would turn noise into a "win". (It also measures a
#    slightly different thing: a mean over sessions gives the most active listeners the most weight.) Report
#    the listener-level one.
#
# Treating listeners as the unit fixes it: each listener contributes one number (their mean over their own
# sessions), listeners are independent, and Welch's assumptions hold. (A session-level analysis can be done
# correctly too, with a variance that accounts for the clustering by listener, such as the delta method; it
# is more work for the same answer.)
# ### END SOLUTION
