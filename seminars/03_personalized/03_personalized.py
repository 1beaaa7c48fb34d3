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
# # Week 3 · Personalised recommendations
#
# Last week every listener got the same list: the most-liked tracks. That is a
# strong baseline, but it ignores who is listening. This week each listener gets
# a list of their own, learnt from who liked what: **collaborative filtering**.
#
# Why it matters: personal lists are where most of a recommender's value comes
# from, and also where most of its engineering lives. A model is trained offline
# on yesterday's logs, its output is precomputed for every listener, loaded into
# a fast store, served by a small online recommender, and judged by an A/B test.
# We do each of these steps once, end to end:
#
# 0. check the Jupyter kernel;
# 1. serve a day of traffic and keep its logs;
# 2. turn the logs into "liked" pairs (**task 3.1**), hold the last sessions back for an offline
#    check, and build LightFM's dataset by hand (**task 3.2**);
# 3. user-based collaborative filtering: the neighbourhood formula, and its lists;
# 4. LightFM: a model with an optuna search;
# 5. the track embeddings, in TensorBoard's projector and inline;
# 6. the top-100 tracks per listener, written as a production artifact;
# 7. the `Collaborative` recommender that serves them, written by you (**task 3.3**);
# 8. the A/B test: Random vs Collaborative;
# 9. closing exercise: item biases that change over time (TimeSVD).
#
# Three tasks are yours to write: a cell tagged `task` holds a function or a class with
# `raise NotImplementedError()` where your code goes, and the cell after it checks it and says
# in one sentence what is wrong. The lesson then goes on with the package's version, so a task you
# have not finished never breaks the cells after it. The exercises' answers are in the Solutions
# section at the end.

# %% [markdown]
# ## 0. The kernel
#
# The notebook imports `botify` and `sim` from this repository and starts the
# `botify` and `sim` commands installed beside its own Python. So it must run on
# the project's Python, `.venv/bin/python`, not on some other Python that
# Jupyter happens to know. From a terminal at the repository root:
#
# 1. `make setup` creates `.venv` and installs the requirements
#    (`pip install -r requirements.txt`, then the project itself);
# 2. `make kernel` registers that Python with Jupyter as the kernel "Botify (.venv)":
#    it runs `.venv/bin/python -m ipykernel install --user --name botify --display-name "Botify (.venv)"`;
# 3. `.venv/bin/jupyter kernelspec list` now shows a line starting with `botify`;
# 4. in JupyterLab, *Kernel → Change Kernel…* and pick "Botify (.venv)"; the
#    name in the top right corner of the notebook says which kernel runs it.
#
# (`make lab` does steps 1 and 2 for you.) Nothing is installed from inside the
# notebook. The next cell checks that the kernel is the right one.

# %%
import pathlib
import sys

python = pathlib.Path(sys.executable)
print("this kernel runs:", python)
print("inside a virtual environment:", sys.prefix != sys.base_prefix, f"({sys.prefix})")
assert (python.parent / "botify").exists() and (python.parent / "sim").exists(), (
    "this kernel is not the project's .venv: switch to the 'Botify (.venv)' kernel (see above)")

# %%
import inspect
import json
import shutil
import time
import warnings

# no widgets needed: progress bars are off here
warnings.filterwarnings("ignore", message="IProgress not found")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import scipy.sparse as sp
import seaborn as sns
from IPython.display import display

import sim
from botify import fields
from botify.analysis import effects, load_events
from botify.notebook import ensure_world, show_report, start_botify, upload
from botify.service import registry
from botify.service.recommenders import collaborative as builtin
from botify.service.recommenders.base import Recommender
from botify.teaching import week3_personalized as week3
from botify.training import data, export, item_bias, lightfm_model, projector, ranking_metrics, user_based
from sim.config import ListenerConfig

sns.set_theme(style="whitegrid")

# %% tags=["parameters"]
DATA = "../../data"  # the world: public catalog + the simulator's hidden part
WORLD_SEED = 31337  # used only if DATA holds no world yet
TRACKS = 50_000
USERS = 10_000
LOGS = "../../log/week3"  # everything this notebook writes: event logs, artifacts, projector files
EPISODES = 3000  # listening sessions per simulated day
PROCESSES = 2  # simulator processes
SEED = 0  # traffic and models (the offline split is by session order, not random)
TRIALS = 10  # optuna trials for LightFM
EPOCHS = 30  # most epochs per LightFM fit
DRIFT_DAYS = 5  # days of the drifting world in the closing exercise

# %%
# A fresh start: delete this notebook's logs and artifacts from any earlier run, so days never mix.
shutil.rmtree(LOGS, ignore_errors=True)
LOG_ROOT = pathlib.Path(LOGS)
world = ensure_world(DATA, seed=WORLD_SEED, tracks=TRACKS, users=USERS)
catalog = data.read_catalog(DATA)  # one row per track: track, artist, title, genre, duration, year

# %% [markdown]
# ## 1. A day of traffic to learn from
#
# A collaborative model learns from what listeners did, so first we need a day
# of logs. Which recommender should serve that day? Two choices:
#
# - **AA** (Random for everybody) shows every track with the same chance: the
#   fairest data, but a random track is rarely liked, so the day gives few
#   "liked" pairs to learn from;
# - **STICKY_ARTIST** (Random for half the listeners, more tracks by the artist
#   just played for the other half) keeps sessions going longer, so the logs hold
#   more liked tracks, while the Random half still explores the catalogue.
#
# We take STICKY_ARTIST, the same day `make demo` runs, so the A/B result at the
# end can be set against the demo's. The price: the StickyArtist half mostly
# likes artists it already heard, and a model trained on these logs inherits
# that bias. Keep this in mind when you read the offline metrics below.
#
# Simulated days are numbered: this is day 1 and the A/B test will be day 2, so
# the listeners of day 2 are partly the same people coming back.
#
# The simulator plays this day in **one** process, as in week 2. Section 2
# splits the day by the order of its sessions in the log, and with several
# processes side by side their sessions interleave in an order that depends on
# which process happened to run faster: the split, and every offline number
# after it, would change from run to run. With one process the log's order is
# the order in which the sessions were played, the same on every run. (The
# A/B days only count per-listener metrics, so they keep `PROCESSES`.)

# %%
day1_log = LOG_ROOT / "day1-STICKY_ARTIST"
with start_botify("STICKY_ARTIST", data=DATA, log_dir=day1_log) as service:
    day1 = sim.simulate(world=DATA, agent="remote", url=service.url, episodes=EPISODES, processes=1,
                        seed=SEED, first_day=1, progress=False)
events = load_events(day1_log)
print(f"day 1: {len(day1):,} sessions, {len(events):,} events of {events[fields.USER].nunique():,} listeners")

# %% [markdown]
# ## 2. What a listener liked
#
# The logs say how much of each track a listener heard (`time`, a share from 0
# to 1), not whether they liked it. We call a track **liked** when it was heard
# for more than 80% (`data.POSITIVE_TIME`), and keep each (listener, track)
# pair once. These "positives" are all that the models below learn from.
#
# **Task 3.1.** Write `liked_pairs(events)`. `events` is the frame `load_events`
# returns: one row per logged call, with the columns `message` (`next` or
# `last`), `user`, `track` and `time` among others. A `next` row says the
# listener heard `track` for `time` and asked for the next one; a `last` row
# says the same of the session's last track. Return a DataFrame with exactly
# the columns `user` and `track`: every pair heard for **more than** 0.8 at
# some row, `next` or `last`, each pair once, sorted by user then track, with a
# fresh index 0, 1, 2, ... Example: the rows (next, user 1, track 10, 0.95),
# (next, 1, 11, 0.8), (last, 1, 12, 0.81) give the pairs (1, 10) and (1, 12).

# %% tags=["task"]
def liked_pairs(events):
    """(user, track) pairs heard for more than 0.8 at a next or last event: columns ['user', 'track'], each
    pair once, sorted by user then track, index 0..n-1."""
    ### BEGIN SOLUTION
    heard = events.loc[events[fields.TIME] > data.POSITIVE_TIME, [fields.USER, fields.TRACK]]
    return heard.drop_duplicates().sort_values([fields.USER, fields.TRACK], ignore_index=True)
    ### END SOLUTION


# %% tags=["check"]
week3.check_liked_pairs(liked_pairs, events)
### BEGIN HIDDEN TESTS
week3.check_liked_pairs(liked_pairs, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# From here on we use the package's `data.positives`, which your function just
# matched, and look at how the likes spread over listeners and tracks.

# %% tags=["figure"]
liked = data.positives(events)  # (user, track) pairs with time > 0.8, de-duplicated
print(f"{len(liked):,} liked pairs: {liked[fields.USER].nunique():,} listeners, "
      f"{liked[fields.TRACK].nunique():,} tracks")

fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
per_listener = liked.groupby(fields.USER).size()
per_track = liked.groupby(fields.TRACK).size()
sns.histplot(per_listener, discrete=True, ax=axes[0])
axes[0].set(title="liked tracks per listener", xlabel="liked tracks", ylabel="listeners", yscale="log")
axes[0].xaxis.set_major_locator(plt.MaxNLocator(integer=True))
sns.histplot(per_track, discrete=True, ax=axes[1])
axes[1].set(title="listeners per liked track", xlabel="listeners who liked it", ylabel="tracks", yscale="log")
fig.tight_layout()

# %% [markdown]
# **What to look at.** Both histograms fall steeply (the y axes are logarithmic):
# most listeners liked one or two tracks, and most liked tracks were liked by a
# single listener. The data is *very* sparse. Collaborative filtering needs
# overlap (two listeners who liked the same track), and here overlap is rare.
#
# **The offline split.** To check a model offline we train it on the past and
# test it on the future, as in week 2: the day's sessions in log order, the
# first 80% train and the last 20% test (`data.split_by_sessions`). The cut is
# a count of sessions, not a clock time, so how fast the machine ran does not
# move it, and no session is cut in two. The test pairs are the liked pairs of
# the test sessions, less those the listener already liked in training: a
# model is asked for ten tracks per listener, never one the listener liked in
# training, and **precision@10** is the share of those ten found among the
# test pairs (`data.split_positives` does all this). The split has a price here:
# a listener whose only session of the day fell in the test part has nothing in
# training, so for them every model can only guess from what is popular.

# %%
train, test = data.split_positives(events, test_share=0.2)
warm = test[fields.USER].isin(train[fields.USER])
print(f"train: {len(train):,} liked pairs; test: {len(test):,} pairs of {test[fields.USER].nunique():,} "
      f"listeners; {warm.mean():.0%} of the test pairs are by listeners with liked pairs in training")

# %% [markdown]
# **LightFM's dataset.** LightFM learns from sparse matrices in its own ids:
# rows of listeners, columns of tracks. `lightfm.data.Dataset` maps ids to rows
# and columns: `fit(users, items, item_features=names)` learns the listener,
# track and feature ids, `build_interactions(pairs)` makes a listener × track
# matrix from (user, track) pairs (it returns the matrix *and* a matrix of
# weights), `build_item_features((track, [names]) ...)` makes the track ×
# feature matrix, and `mapping()` gives the id maps back. Every track gets an
# *identity* feature of its own (LightFM adds it), plus the shared ones from
# `data.item_features`: its genre, artist, popularity and duration buckets.
#
# **Task 3.2.** Write `lightfm_dataset(train, test, items, features)`. `train`
# and `test` are frames of (user, track) pairs, `items` the ids of every
# catalogue track (every one must be a column, so any can be recommended),
# `features` a dict `{track: [feature names]}`. Fit one `Dataset` on the
# listeners of **both** splits, on `items`, and on every feature name of those
# tracks; build the train and the test interaction matrices and the
# item-feature matrix (with LightFM's defaults). Return the tuple
# `(dataset, train_matrix, test_matrix, item_features)`. The check compares
# your matrices with those of `lightfm_model.interactions`, the package's version.

# %% tags=["task"]
def lightfm_dataset(train, test, items, features):
    """(dataset, train_matrix, test_matrix, item_features): a lightfm.data.Dataset fitted on the users of
    train and test, on every track of ``items`` and on all their feature names, and the matrices it builds."""
    from lightfm.data import Dataset

    ### BEGIN SOLUTION
    dataset = Dataset()
    names = sorted({name for track in items for name in features[track]})
    dataset.fit(pd.concat([train, test])[fields.USER].unique(), items, item_features=names)
    train_matrix, _ = dataset.build_interactions(zip(train[fields.USER], train[fields.TRACK]))
    test_matrix, _ = dataset.build_interactions(zip(test[fields.USER], test[fields.TRACK]))
    item_features = dataset.build_item_features((track, features[track]) for track in items)
    return dataset, train_matrix, test_matrix, item_features
    ### END SOLUTION


# %% tags=["check"]
week3.check_lightfm_dataset(lightfm_dataset)
### BEGIN HIDDEN TESTS
week3.check_lightfm_dataset(lightfm_dataset, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# From here on we use `lightfm_model.interactions`, which builds the same
# matrices and also keeps the ids to map rows and columns back to listeners
# and tracks (`user_ids`, `item_ids`).

# %%
features = data.item_features(catalog, events)  # per track: genre, artist, popularity and duration buckets
split = lightfm_model.interactions(train, test, items=catalog.index, features=features)
print(f"train: {split.train.nnz:,} pairs, test: {test.shape[0]:,} pairs; "
      f"matrix of {split.train.shape[0]:,} listeners x {split.train.shape[1]:,} tracks")


def as_lists(top, ids=split.user_ids, items=split.item_ids):
    """Top-k positions (rows of listeners, -1 padded) as {listener: [track ids]}."""
    return {int(user): items[row[row >= 0]].tolist() for user, row in zip(ids, top)}


relevant = data.as_sets(test)  # {listener: their liked tracks in the test sessions}

# %% [markdown]
# ## 3. User-based collaborative filtering
#
# The oldest idea in the field: *recommend what people like you liked*. Let
# $r_{vi} = 1$ when listener $v$ liked track $i$ (0 otherwise). Two listeners are
# similar when their rows point the same way (the cosine):
#
# $$\mathrm{sim}(u, v) = \frac{r_u \cdot r_v}{\lVert r_u \rVert \, \lVert r_v \rVert}.$$
#
# Keep the $k$ listeners most similar to $u$, the neighbourhood $N_k(u)$, and
# score every track by how much of the neighbourhood liked it:
#
# $$\hat r_{ui} = \frac{\sum_{v \in N_k(u)} \mathrm{sim}(u, v)\, r_{vi}}
#                      {\sum_{v \in N_k(u)} \lvert \mathrm{sim}(u, v) \rvert}.$$
#
# `botify.training.user_based` does this with sparse matrices (a listener only
# gets scores for tracks their neighbours liked).

# %%
NEIGHBOURS = 50
weights = user_based.similarities(split.train, neighbours=NEIGHBOURS)  # sim(u, v), the k largest per row
scores = user_based.scores(split.train, weights)  # r̂(u, i), sparse
with_neighbours = np.diff(weights.indptr) > 0
print(f"{with_neighbours.mean():.0%} of {len(with_neighbours):,} listeners have at least one neighbour, "
      f"{1 - with_neighbours.mean():.0%} have none; a listener gets scores for "
      f"{np.diff(scores.indptr).mean():.1f} tracks on average")

# %% [markdown]
# Now a look at its recommendations for one listener: the one with the most
# neighbours. What they liked, who their nearest neighbours are, and the tracks
# the formula ranks first. Do the recommended artists and genres match theirs?

# %%
row = int(np.argmax(np.diff(weights.indptr)))
listener = int(split.user_ids[row])
shown = [fields.ARTIST, fields.GENRE]
print(f"listener {listener} liked:")
display(catalog.loc[split.item_ids[split.train.tocsr()[row].indices], shown])
nearest = weights[row].toarray().ravel()
order = np.argsort(-nearest)[:3]
print("nearest neighbours:", {int(split.user_ids[v]): round(float(nearest[v]), 2) for v in order})
top10 = user_based.top_k(scores[row], k=10, exclude=split.train.tocsr()[row])[0]
picked = top10[top10 >= 0]
display(catalog.loc[split.item_ids[picked], shown].assign(
    score=scores[row].toarray().ravel()[picked].round(3)))

# %% [markdown]
# **What to look at.** The neighbours share a track with the listener, so the
# recommendations are the *other* tracks those neighbours liked, usually from
# the same artists and genres. The scores take few distinct values: with one or
# two likes per listener, a track's score is just the share of the
# neighbourhood's similarity that liked it.
#
# The catch is the first number printed above: most listeners share no liked
# track with anyone, so they have no neighbours and get no list at all.
#
# ### Preparing the lists for production
#
# botify does not run this formula when a request comes in: the lists are
# computed offline, for every listener at once, and uploaded. The artifact is
# one JSON line per listener, `{"user": 17, "tracks": [the 100 best tracks]}`.
# For production we use *all* liked pairs (no test split), and a list that the
# neighbourhood leaves short is topped up with the most-liked tracks, so every
# listener we know gets 100 tracks.

# %%
full = lightfm_model.interactions(liked, items=catalog.index, features=features)  # every liked pair, no split
popular = data.top_tracks(events, export.TOP_SIZE)  # week 2's list: the most-liked tracks of day 1
all_scores = user_based.scores(full.train, user_based.similarities(full.train, NEIGHBOURS))
user_based_top = user_based.top_k(all_scores, k=export.TOP_SIZE,
                                  fill=pd.Index(full.item_ids).get_indexer(popular))
user_based_path = LOG_ROOT / "artifacts" / "user_based.jsonl"
export.write_lists(user_based_path, fields.USER, full.user_ids, user_based_top, full.item_ids)
first_line = json.loads(user_based_path.read_text().splitlines()[0])
print(f"{user_based_path}: {len(user_based_top):,} lines; the first one starts",
      {fields.USER: first_line[fields.USER], fields.TRACKS: first_line[fields.TRACKS][:5] + ["..."]})

# %% [markdown]
# We will not serve these lists today (that is an exercise in section 7). How
# good are they? Section 4 checks them on the test pairs, next to LightFM and
# week 2's most-liked tracks.

# %% [markdown]
# ## 4. LightFM
#
# LightFM learns a vector $p_u$ per listener and a vector $q_i$ per track, and
# ranks tracks by $\langle p_u, q_i\rangle + b_i$. With *item features* a track's
# vector is the sum of the vectors of its features: its own id, its genre, its
# artist, a popularity bucket and a duration bucket. So a track nobody liked yet
# still gets a sensible vector from its artist and genre, which matters when most
# tracks were liked once or never. The loss (WARP or BPR) pushes liked tracks
# above sampled other tracks.
#
# **The dataset** is the one of task 3.2: the listener × track matrices of the
# two splits and the track × feature matrix. One track's features:

# %%
some_track = int(liked[fields.TRACK].iloc[0])
print(f"track {some_track}: {features[some_track]}")
print(f"item features: {split.item_features.shape[0]:,} tracks x {split.item_features.shape[1]:,} features "
      f"(one id per track, plus the shared ones)")

# %% [markdown]
# **The search.** LightFM has knobs: the vector size, the learning rate, the
# loss, how many negatives WARP samples, and two regularisation strengths.
# `lightfm_model.tune` runs an optuna study (TPE sampler, seeded) over them. Each
# trial trains one epoch at a time, measures precision@10 on the test pairs
# after every epoch, stops after 3 epochs without progress, and keeps its best
# epoch. With this little data, precision@10 is a small and noisy number, so
# look at the trend rather than the third decimal. (`botify train lightfm`,
# which `make demo` runs, tunes the same search on a seeded random 20% of the
# liked pairs instead, `data.split`: it must give the same artifacts, and
# grades, from a day played by several simulator processes, whose session
# order changes from run to run; this notebook played day 1 in one process, so
# it can afford the split by session order, the honest test of the future.)

# %% tags=["figure"]
found = lightfm_model.tune(split, trials=TRIALS, epochs=EPOCHS, seed=SEED)
study = found.study
print(f"best trial: precision@10 {found.best_score:.4f} after {found.best_epoch} epochs with {found.params}")

fig, axes = plt.subplots(1, 2, figsize=(12, 4))
for trial in study.trials:
    curve = trial.user_attrs["curve"]
    color = "tab:blue" if trial.params["loss"] == "warp" else "tab:orange"
    axes[0].plot(range(1, len(curve) + 1), curve, color=color, alpha=0.7)
axes[0].plot([], [], color="tab:blue", label="WARP")
axes[0].plot([], [], color="tab:orange", label="BPR")
axes[0].set(title="every trial's learning curve", xlabel="epoch", ylabel="precision@10 (test pairs)")
axes[0].legend()
values = pd.Series([trial.value for trial in study.trials])
axes[1].plot(values.index, values, "o", label="trial")
axes[1].step(values.index, values.cummax(), where="post", label="best so far")
axes[1].set(title="the optuna study", xlabel="trial", ylabel="best precision@10 of the trial")
axes[1].legend()
for ax in axes:
    ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
fig.tight_layout()

# %% [markdown]
# **What to look at.** On the left, one curve per trial: the good ones rise for a
# few epochs and then flatten or fall, which is where early stopping ends them.
# Compare the colours: which loss learns anything on this data? On the right,
# the study, with the best value so far as a step line. A caveat on what optuna
# did: its TPE sampler draws its first 10 trials at random before it starts to
# model which regions are good, so with `TRIALS = 10` this study is a plain
# random search. That is fine for a first look; a real search needs more trials,
# or a smaller space (fixing the loss, say) once the first trials have shown
# what does not work.
#
# The offline comparison, all three on the same test pairs with the same rules
# (never a track the listener liked in training). Besides precision@10 and
# recall@10 the table shows **artist hits@10**: the share of the ten tracks by an
# artist the listener liked among the test pairs. It credits near misses, which
# is what a listener who likes an artist's sound cares about.

# %%
by_artist = catalog[fields.ARTIST]


def offline_row(lists):
    """precision, recall, MRR and coverage of {listener: tracks}, plus artist hits@10."""
    row = ranking_metrics.report(lists, relevant, n_tracks=len(catalog), k=10)
    row["mrr@10"] = row.pop("mrr")  # the lists here are ten long
    artist_lists = {user: by_artist.loc[tracks[:10]].tolist() for user, tracks in lists.items()}
    artist_relevant = {user: set(by_artist.loc[list(tracks)]) for user, tracks in relevant.items()}
    row["artist hits@10"] = ranking_metrics.precision_at_k(artist_lists, artist_relevant, 10)
    return row


train_rows = split.train.tocsr()
likes = np.asarray(train_rows.sum(axis=0)).ravel()
popular_order = np.argsort(-likes, kind="stable")[: export.TOP_SIZE]
no_scores = sp.csr_matrix(train_rows.shape)  # nothing but the fallback order: the most-liked tracks
listener_vectors, track_vectors = lightfm_model.vectors(found.model, split)
offline = pd.DataFrame({
    "most-liked tracks": offline_row(as_lists(user_based.top_k(no_scores, k=10, exclude=train_rows,
                                                               fill=popular_order))),
    "user-based CF": offline_row(as_lists(user_based.top_k(scores, k=10, exclude=train_rows))),
    "LightFM": offline_row(as_lists(export.top_k(listener_vectors, track_vectors, k=10, exclude=train_rows))),
}).T
offline.style.format("{:.4f}")

# %% [markdown]
# **What to look at.** Every exact-track number is small: with one or two liked
# tracks per listener and tens of thousands of tracks to choose from, guessing
# the very track that was liked later is hard for anyone. So compare the rows
# with each other, and count the hits (the next cell does). In our run at
# course size (2026-12-06), LightFM found a test track most often: precision@10
# 0.0024, 11 hits in the top 10s of the 450 test listeners, against 0.0007
# (3 hits) for the most-liked tracks. User-based CF found no more than the
# most-liked tracks (0.0007, 3 hits): it has nothing to offer the listeners
# without neighbours (the share printed in section 3), nor the test listeners
# with no liked pair in training (more than half of the test pairs, printed in
# section 2), while LightFM ranks every track for every listener. Its few hits
# sat high in its lists, so its MRR was the highest (0.0067 against LightFM's
# 0.0049), but three hits are too few to read anything into that. Artist hits,
# with numbers several times larger, set both models apart from the popular
# list: 0.0140 for LightFM, 0.0104 for user-based CF, 0.0029 for the most-liked
# tracks. When the models miss the very track, they often find its artist.
# `coverage` is the share of the catalogue that appears in some list: the
# most-liked tracks are nearly the same ten for everyone. All of this rests on
# a handful of hits, so differences in the third decimal are noise. We ship
# LightFM below; the A/B test in section 8 is the verdict that counts (and
# section 7's exercise serves the user-based lists too).

# %%
# the offline point of this section: LightFM finds liked tracks more often than the most-liked list
hits = (offline["precision@10"] * 10 * len(relevant)).round().astype(int)  # precision@10 x 10 x listeners
print(f"hits in the top 10s of {len(relevant):,} test listeners:", hits.to_dict())
if EPISODES >= 3000:
    assert offline.loc["LightFM", "precision@10"] > offline.loc["most-liked tracks", "precision@10"]

# %% [markdown]
# **The final model.** The search chose the parameters and the number of epochs;
# now we train once more on *all* liked pairs with them, since the test
# sessions, the most recent, are too valuable to leave out of the model we ship.

# %%
final = lightfm_model.fit(full, found.params, epochs=found.best_epoch, seed=SEED)
listener_vectors, track_vectors = lightfm_model.vectors(final.model, full)
print(f"{len(listener_vectors):,} listener vectors and {len(track_vectors):,} track vectors of "
      f"{track_vectors.shape[1]} numbers (the last one is the track's bias)")

# %% [markdown]
# ## 5. Track embeddings: TensorBoard's projector, and a look inline
#
# Each track is now a point in a space of a few dozen dimensions. If the model
# learnt something about music, tracks of one artist should sit close together,
# and genres should form regions. TensorBoard's projector lets you fly through
# that space; `projector.write` saves the vectors and a label table (track,
# artist, title, genre) in the format it reads, no TensorFlow needed.

# %%
projector_dir = LOG_ROOT / "projector"
config = projector.write(projector_dir, track_vectors[:, :-1], catalog.loc[full.item_ids])
print(f"projector files in {config.parent}: {sorted(p.name for p in config.parent.rglob('*.tsv'))}")

# %% [markdown]
# **Open it yourself** (the notebook never starts servers that could outlive
# it). From a terminal at the repository root:
#
# ```bash
# .venv/bin/tensorboard --logdir log/week3/projector --host 127.0.0.1
# ```
#
# then open http://127.0.0.1:6006 and the **Projector** tab (under the menu in the
# top right if it is not shown). Stop it with Ctrl-C when you are done. Things to
# try:
#
# - *Color by* `genre`: do the genres form regions, or is it one mixed cloud?
# - type an artist's name in the search box: are their tracks one tight group?
# - switch PCA to t-SNE or UMAP and let it run: small, dense clusters appear; hover
#   over one and read the labels. Same artist? Same genre?
# - find a track you know is popular and look at its nearest neighbours in the
#   panel on the right.
#
# The same question inline, with a 2-D PCA of the vectors of the tracks of the
# six largest genres (a sample, so the plot stays readable), coloured by genre:

# %% tags=["figure"]
vectors = pd.DataFrame(track_vectors[:, :-1], index=full.item_ids)
largest = catalog[fields.GENRE].value_counts().index[:6]
in_largest = catalog[catalog[fields.GENRE].isin(largest)]
sample = in_largest.sample(min(3000, len(in_largest)), random_state=SEED)
centred = vectors.loc[sample.index] - vectors.loc[sample.index].mean()
_, _, axes_pca = np.linalg.svd(centred.to_numpy(), full_matrices=False)
xy = centred.to_numpy() @ axes_pca[:2].T
fig, ax = plt.subplots(figsize=(7, 5.5))
sns.scatterplot(x=xy[:, 0], y=xy[:, 1], hue=sample[fields.GENRE].to_numpy(), hue_order=largest, s=8,
                linewidth=0, alpha=0.6, ax=ax)
ax.set(title="LightFM track vectors, first two principal components", xlabel="PC 1", ylabel="PC 2")
ax.legend(title="genre", markerscale=2, fontsize=8)
fig.tight_layout()

# %% [markdown]
# A picture of two dimensions out of many can hide structure, so a number too:
# the average cosine similarity of pairs of tracks by the same artist, by
# different artists of the same genre, and of different genres.

# %% tags=["figure"]
unit = vectors.reindex(catalog.index).to_numpy()
unit = unit / np.linalg.norm(unit, axis=1, keepdims=True)
rng = np.random.default_rng(SEED)


def mates(column=None):
    """Each track paired with a random track sharing its ``column`` (a shuffle within groups), or any
    track."""
    if column is None:
        return pd.Series(rng.permutation(catalog.index.to_numpy()), index=catalog.index)
    return catalog.groupby(column)[fields.TRACK].transform(lambda group: rng.permutation(group.to_numpy()))


def cosines(mate, keep):
    return pd.Series(np.einsum("ij,ij->i", unit, unit[mate.to_numpy()]), index=catalog.index)[keep]


artist, genre = catalog[fields.ARTIST], catalog[fields.GENRE]
artist_mate, genre_mate, any_mate = mates(fields.ARTIST), mates(fields.GENRE), mates()
pairs = pd.concat({
    "same artist": cosines(artist_mate, artist_mate != catalog.index),
    "same genre, other artist": cosines(genre_mate, artist.loc[genre_mate].to_numpy() != artist.to_numpy()),
    "other genre": cosines(any_mate, genre.loc[any_mate].to_numpy() != genre.to_numpy()),
}, names=["pair", fields.TRACK]).rename("cosine").reset_index()
fig, ax = plt.subplots(figsize=(7, 3.5))
sns.kdeplot(pairs, x="cosine", hue="pair", common_norm=False, fill=True, ax=ax)
ax.set(title="cosine similarity of two tracks' vectors", xlabel="cosine")
pairs.groupby("pair")["cosine"].agg(["mean", "count"]).round(3)

# %% [markdown]
# **What to look at.** If the vectors knew nothing about genres, the colours in
# the scatter would be mixed evenly and the three curves would lie on top of
# each other. In our run at course size (2026-12-06) the PCA plot showed four
# groups, not six: pop, rock and electronic each on its own, and indie, r&b
# and hip hop close together, r&b and hip hop overlapping.
# Two dimensions out of dozens cannot keep six genres apart, so the cosines
# are the better measure: two tracks of one genre had a cosine of about 0.76
# and two tracks of different genres about 0.00: the vectors are organised
# by genre. Being by the same artist added little on top of that (0.78
# against 0.76), so one day of likes taught the model genres well but
# hardly told the artists of a genre apart.
# The spike near 1 comes from how the vectors are built: a track's vector is the
# sum of its features' vectors, and most tracks were never played on day 1, so
# their own part is barely trained and two tracks with the same genre,
# popularity bucket and duration bucket end up almost identical. The genre
# structure is not free either: the model could have left the genre vectors
# small. It made them large because listeners' likes follow genres. (The
# simulated listeners' tastes are clustered by genre and then by artist, so
# this is structure a good model should find.)
#
# ## 6. The top-100 tracks per listener, for production
#
# The ranking is a dot product, so scoring every listener against every track is
# one big matrix product; `export.top_k` does it in chunks and keeps each row's
# 100 best. Listeners with no liked track on day 1 are unknown to the model: for
# them (and for listeners never seen at all) we write the most-liked tracks. Both
# kinds go into one artifact, `collaborative.jsonl`.

# %%
collaborative_path = LOG_ROOT / "artifacts" / "collaborative.jsonl"
top = export.top_k(listener_vectors, track_vectors, export.TOP_SIZE)
export.write_lists(collaborative_path, fields.USER, full.user_ids, top, full.item_ids)
unknown = np.setdiff1d(np.arange(world["users"]), full.user_ids)
with collaborative_path.open("a") as artifact:
    artifact.writelines(json.dumps({fields.USER: int(user), fields.TRACKS: popular}) + "\n"
                        for user in unknown)
print(f"{collaborative_path}: {len(full.user_ids):,} LightFM lists + {len(unknown):,} most-liked lists")

# %% [markdown]
# ## 7. The `Collaborative` recommender
#
# Online, the work left is tiny: look up the listener's list in Redis and pick a
# track from it. You write that recommender. Every botify recommender subclasses
# `Recommender` (`botify/service/recommenders/base.py`) and answers one
# question in `recommend_next(self, user, prev_track, prev_track_time)`: which
# track to play next. What the base class gives you:
#
# - class attributes that tell the service what data the recommender reads:
#   `ARTIFACT`, the name of the uploaded lists (the file we upload is
#   `collaborative.jsonl`, so its name is its stem, `"collaborative"`), and
#   `ARTIFACT_KIND`, how the service loads and checks them: `"per-user"` (one
#   list per listener), `"per-track"` or `"popularity"`;
# - `self.store.tracks_for(name, key)`: the list uploaded under `name` for `key`
#   (here a listener's id), or `None` when there is none;
# - `self.pick(tracks)`: a random track of `tracks` drawn from the request's
#   seeded random stream, or, when `tracks` is empty or `None`, a random track
#   of the catalogue that the log marks as a **fallback**. So a missing upload
#   shows in the A/B report instead of silently turning the test into Random vs
#   Random:

# %%
print(inspect.getsource(Recommender.pick))

# %% [markdown]
# **Task 3.3.** Complete the plugin file `my_collaborative.py` below (the
# `%%writefile` line writes the cell into that file when you run it; running it
# again overwrites it). Write the body of `MyCollaborative(Recommender)`: it
# reads the per-user artifact `collaborative` and answers a random track of the
# listener's own list, falling back (visibly) when the listener has none.
# Subclass `Recommender`, not the built-in `Collaborative`. The file's last line
# is the experiment: control first, then the treatment. The control is the
# built-in `Collaborative`, reading the same lists, so a right answer serves as
# well as it does.
#
# The check imports the file, asks your class for tracks on a planted store
# (three listeners with lists, one without), then serves the plugin with
# `botify serve --plugin my_collaborative.py --experiment MY_COLLABORATIVE` on
# this notebook's world, with section 6's lists uploaded, sends a short day of
# simulated traffic, and compares your arm with the built-in one in an A/B
# report (a tenth of a day's sessions, a minute or so). It fails if your arm
# errs, falls back to random for most requests, or is significantly worse than
# the built-in.

# %% tags=["task"]
# %%writefile my_collaborative.py
from botify.service.experiment import Experiment
from botify.service.recommenders.base import Recommender
from botify.service.recommenders.collaborative import Collaborative


class MyCollaborative(Recommender):
    """A random track of the listener's own top-100 list (the per-user artifact 'collaborative');
    the fallback for a listener without a list."""

    ### BEGIN SOLUTION
    ARTIFACT = "collaborative"
    ARTIFACT_KIND = "per-user"

    def recommend_next(self, user, prev_track, prev_track_time):
        return self.pick(self.store.tracks_for(self.ARTIFACT, user))
    ### END SOLUTION


EXPERIMENTS = [Experiment("MY_COLLABORATIVE", Collaborative, MyCollaborative)]

# %% tags=["check"]
served = week3.check_my_collaborative("my_collaborative.py", data=DATA, artifact=collaborative_path,
                                         episodes=max(EPISODES // 10, 100), seed=SEED,
                                         log_dir=LOG_ROOT / "check-MY_COLLABORATIVE")
### BEGIN HIDDEN TESTS
week3.check_my_collaborative("my_collaborative.py", hidden=True, serve=False)
### END HIDDEN TESTS

# %% [markdown]
# The printed line gives the effect of your arm against the built-in one, with
# its 95% interval: for two recommenders that serve the same lists the same way
# it should straddle 0. (Not exactly 0: each arm has its own listeners.) Here is
# the built-in `Collaborative` that the rest of the notebook serves; compare it
# with yours:

# %%
print(inspect.getsource(builtin.Collaborative))

# %% [markdown]
# `MAKE_ARTIFACT` is only what the service prints when the artifact is
# missing. The experiment is one line of the registry,
# `botify/service/registry.py`, like the `EXPERIMENTS` line of your plugin:
# control first (C = Random), then the treatment (T1 = Collaborative). A
# listener's arm is a hash of their id, so it stays the same all day.

# %%
experiment = registry.BY_NAME["COLLABORATIVE"]
file, line = experiment.where.rsplit(":", 1)
print(f"{experiment.where}:", pathlib.Path(file).read_text().splitlines()[int(line) - 1].strip())
print(experiment.describe())

# %% [markdown]
# ### Exercise: serve the user-based lists
#
# Serve the user-based lists of section 3 (`user_based.jsonl`) the same way:
# a plugin with a recommender that reads them, an experiment, an upload, a
# day of traffic, `show_report`. Do they beat Random? Do they beat
# Collaborative (an experiment can have several treatments:
# `Experiment("CF", Random, Collaborative, UserBased)`)? (An answer is in the
# Solutions section.)
#
# ## 8. The A/B test: Random vs Collaborative
#
# Day 2: serve COLLABORATIVE, upload the lists, and send a day of traffic.
# When the service starts it may warn that Collaborative has no data (or load an
# old `collaborative` artifact kept in the data folder from an earlier run): the
# upload on the next line replaces it, atomically, before any traffic comes.

# %%
day2_log = LOG_ROOT / "day2-COLLABORATIVE"
with start_botify("COLLABORATIVE", data=DATA, log_dir=day2_log) as service:
    upload(service, collaborative_path)
    print("service health:", service.health()["status"])
    day2 = sim.simulate(world=DATA, agent="remote", url=service.url, episodes=EPISODES, processes=PROCESSES,
                        seed=SEED, first_day=2, progress=False)
print(f"day 2: {len(day2):,} sessions")

# %% [markdown]
# The verdict, with week 1's tools: per-listener metrics, Welch confidence
# intervals, and the trust checks (sample ratio, fallback shares).

# %% tags=["figure"]
analysis = show_report(day2_log, "COLLABORATIVE")

# %%
# the lesson rests on this result: at course size it must hold, at smoke size it is only reported
headline = analysis.effects.query("metric == @fields.MEAN_TIME_PER_SESSION and treatment == 'T1'").iloc[0]
print(f"Collaborative vs Random, mean time per session: {headline.effect:+.0f}% "
      f"[{headline.ci_low:+.0f}%, {headline.ci_high:+.0f}%]")
if EPISODES >= 3000:
    assert headline.ci_low > 50, "at course size Collaborative should beat Random by far"

# %% [markdown]
# **What to look at.** The first line names the arms. `mean_time_per_session`
# is the metric that matters: how much listening a session holds. Its interval
# should lie far from zero: in our run at course size (2026-12-06) it was
# +166% [+154%, +179%] (the cell above printed it; `make demo` runs the same plan
# with other seeds). The latency is worse (each request now reads a 100-track
# list from Redis): in that run 3.1 ms against 2.5 ms for Random, on a 2-core
# machine busy with other jobs (of two runs at course size, latency was the only
# number that differed); on a quiet machine both are well under a millisecond.
# Then the trust lines: the sample ratio check should pass, and the
# Collaborative arm's random fallbacks should be 0% (every listener has a list).
# A large fallback share would mean the upload went wrong.
#
# The Collaborative arm serves two kinds of lists, though: LightFM's for listeners
# who liked something on day 1, and the most-liked tracks for everybody else.
# Which part carries the effect? Split the listeners and compare each group with
# its own control:

# %%
metrics = analysis.metrics
known = metrics[fields.USER].isin(full.user_ids)
groups = {"liked a track on day 1 (LightFM list)": known, "did not (most-liked list)": ~known}
by_group = pd.concat({name: effects(metrics[mask]) for name, mask in groups.items()}, names=["listeners"])
columns = ["control_mean", "treatment_mean", "effect", "ci_low", "ci_high", "users_control",
           "users_treatment"]
by_group[by_group["metric"] == fields.MEAN_TIME_PER_SESSION].droplevel(1)[columns].round(2)

# %% [markdown]
# **What to look at.** Only listeners who came back on day 2 *and* liked
# something on day 1 get a personal list, fewer than half of day 2's listeners.
# Both groups gain a lot over Random, each against its own control. In our run at
# course size (2026-12-06) the two control means were close (about 1.5), while listeners with
# a LightFM list spent about 4.4 per session against 3.5 for those with the
# most-liked list. Careful with that last comparison: it is *between* groups
# that were not randomised (who liked something on day 1 is the listeners' own
# doing), so it hints that the personal lists beat the popular ones but does not
# prove it. A three-arm test would: `Experiment("CF_VS_TOP", Random, TopPop,
# Collaborative)` in the registry.
#
# ## 9. Closing exercise: item biases that change over time (TimeSVD)
#
# Tastes and tracks age: a song's appeal rises with a video and fades over
# months. Koren's TimeSVD models this with time-dependent biases,
#
# $$\hat r_{ui}(t) = \mu + b_u + b_i(t) + q_i^\top p_u,$$
#
# and the question is which form $b_i(t)$ should take so it can be learnt from
# sparse data and still say something about *tomorrow*. Some learnable forms:
#
# - **per bin**: $b_i(t) = b_i + b_{i,\mathrm{bin}(t)}$, one extra number per track
#   and time bin (here: per day), shrunk towards 0 when the bin has little data.
#   Tomorrow has no bin yet, so we use the last one;
# - **linear drift**: $b_i(t) = b_i + a_i\,(t - \bar t_i)$, a trend per track,
#   extrapolated to tomorrow;
# - **decaying spline** (kernel smoothing):
#   $b_i(t) = b_i + \sum_l e^{-\gamma |t - t_l|}\, b_{i,l} / \sum_l e^{-\gamma|t-t_l|}$
#   with control points $t_l$; at the end of the data this is close to a mean
#   that weights recent days more, $\mathrm{decay}^{\,T - t}$, our `decayed` form.
#
# `botify.training.item_bias` fits $\mu + b_u + b_i(t)$ in each of these forms
# (plus the static $b_i$) by alternating shrunk means.
#
# **The world.** The simulator can make track appeal drift:
# `ListenerConfig(drift=True)` (the `--drift` flag of `sim run`) adds to every
# track's appeal a random step each day (standard deviation `drift_scale`).
# `sim.simulate` takes it as `config=`.
#
# **The data.** To see a track's bias move from day to day we need many plays of
# the same track every day, and a random recommender spreads a day's plays over
# the whole catalogue. TopPop concentrates them: its arm plays the same 100
# tracks all day. So we serve TOP_POP (Random vs TopPop, with the most-liked
# tracks of day 1) for `DRIFT_DAYS` days of a third of the usual traffic each
# (which keeps the notebook short; half of it reaches the TopPop arm).
# botify's log has wall-clock times, not the simulator's days, so we note the
# clock when each day starts.

# %%
drift = ListenerConfig(drift=True)
print(drift)
top_tracks_path = export.write_top_tracks(LOG_ROOT / "artifacts" / "top_tracks.json", popular)
drift_log, day_starts = LOG_ROOT / "drift-TOP_POP", []
with start_botify("TOP_POP", data=DATA, log_dir=drift_log) as service:
    upload(service, top_tracks_path)
    for day in range(DRIFT_DAYS):
        day_starts.append(time.time() * 1000)  # ms, like the log's timestamps
        sim.simulate(world=DATA, agent="remote", url=service.url, episodes=EPISODES // 3, processes=PROCESSES,
                     seed=SEED, first_day=day, config=drift, progress=False)
drift_events = item_bias.label_days(load_events(drift_log), day_starts)
heard = item_bias.reactions(drift_events)  # (user, track, time, day), without each session's own first track
heard.groupby(item_bias.DAY).agg(events=(fields.TIME, "size"), tracks=(fields.TRACK, "nunique"),
                                 mean_time=(fields.TIME, "mean")).round(3)

# %% [markdown]
# First, do the tracks' biases move? The mean listening time per day of the eight
# most played tracks:

# %% tags=["figure"]
most_played = heard[fields.TRACK].value_counts().index[:8]
daily = heard[heard[fields.TRACK].isin(most_played)]
fig, ax = plt.subplots(figsize=(9.5, 4))
sns.pointplot(daily, x=item_bias.DAY, y=fields.TIME, hue=fields.TRACK, errorbar=("ci", 95), dodge=0.4,
              palette="tab10", ax=ax)
ax.set(title="mean listening time of the 8 most played tracks, per day (95% CI)", ylabel="time")
ax.legend(title="track", fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))  # outside: no point hidden
fig.tight_layout()

# %% [markdown]
# **What to look at.** Some lines wander by more than their error bars: those
# tracks' appeal drifted. Others stay flat within the noise. With a few dozen
# plays per track and day the intervals are wide, which is exactly why the
# extra per-day parameters must be shrunk.
#
# Now the test. Fit each form on every day but the last, predict the listening
# times of the last day (for tracks seen before), and compare the squared error
# with the static bias'. The interval comes from resampling tracks (a bootstrap),
# since one track's errors on a day are not independent.

# %% tags=["figure"]
last_day = heard[item_bias.DAY].max()
comparison = item_bias.compare(heard[heard[item_bias.DAY] < last_day],
                               heard[heard[item_bias.DAY] == last_day],
                               shrinkage=10.0, decay=0.5, seed=SEED)
display(comparison.style.format({"mse": "{:.5f}", "vs static": "{:+.5f}", "ci_low": "{:+.5f}",
                                 "ci_high": "{:+.5f}"}).hide(axis="index"))
fig, ax = plt.subplots(figsize=(7, 2.8))
ax.errorbar(comparison["vs static"], comparison["form"],
            xerr=[comparison["vs static"] - comparison["ci_low"],
                  comparison["ci_high"] - comparison["vs static"]],
            fmt="o", capsize=4)
ax.axvline(0, color="grey", lw=1)
ax.invert_yaxis()
ax.set(title=f"next-day squared error minus the static bias' (day {last_day}; left is better)",
       xlabel="difference in mean squared error")
fig.tight_layout()

# %% [markdown]
# **What the data shows, honestly.** First, scale: the squared error is
# dominated by who listens to what (taste), which no bias can capture, so even
# the best form removes only a few percent of it. In our run at course size
# (2026-12-06; 5 days, about 38 plays per TopPop track and day), the static
# bias had a mean squared error of 0.077 on the last day; the per-day form,
# carrying the last day's bin forward, lowered it by 0.0011 (1.4%), with an
# interval from -0.0031 to +0.0010, the decayed mean by 0.0007 [-0.0017,
# +0.0002], and the linear drift raised it by 0.0017 [-0.0017, +0.0053].
# Every interval contains 0: one test day of about 4,500 reactions cannot rank
# the forms with confidence. The point estimates lean the way the world
# suggests: the simulator's appeal is a *random walk*, whose best guess for
# tomorrow is today's level, so the forms that trust recent days came out a
# little ahead and the trend behind. A trend fitted to a random walk is mostly
# noise, and extrapolating noise adds error. Read the interval before the
# point: with 3 days or the smoke test's tiny traffic the intervals are wider
# still and the order can change; more days, or more traffic per day, would
# narrow them.
#
# ### Exercises
#
# 1. **Tune honestly.** `shrinkage` and `decay` were guessed. Pick them on a
#    validation day (fit on days before `last_day - 1`, score on `last_day - 1`),
#    then report the test day once. Does the decayed form catch up with per-day?
# 2. **Another form.** Add a form to `item_bias.py`, e.g. a per-day bin with its
#    own, stronger shrinkage, or the real spline with control points every two
#    days. Does it beat the last bin?
# 3. **Momentum.** A random walk has no trend to find. Change the world so it has
#    one (what would you change in `sim.listener.appeal_shift`?) and check that the
#    linear drift then wins. Which form would you ship when you do not know?
# 4. **Users drift too.** Add a per-day user bias $b_{u,t}$. Is there anything to
#    find in this world?
#
# (Answers are in the Solutions section at the end.)
#
# ## Summary
#
# - A day of logs becomes "liked" pairs (time > 0.8): few per listener, so the
#   data is very sparse.
# - User-based CF scores a track by the similarity-weighted share of a
#   listener's neighbours who liked it; without overlap there are no neighbours,
#   and most listeners had none.
# - LightFM with item features (artist, genre, popularity, duration) ranks every
#   track for every listener; an optuna study picks its parameters and early
#   stopping its epochs. Its track vectors group by genre (TensorBoard's
#   projector or a PCA plot shows it); one day of likes says little about artists.
# - Production means precomputing the top-100 per listener (most-liked tracks
#   for the unknown ones), uploading the lists into Redis, and serving them with
#   a recommender of a few lines that falls back visibly.
# - The A/B test, not the offline numbers, is the verdict: Collaborative beats
#   Random by a wide margin in session time.
# - Item biases drift. In a random-walk world the forms that trust recent days
#   (the last day's bin, a decayed mean) leaned towards a smaller next-day error
#   than a static bias, and a linear trend towards a larger one; in our run one
#   test day was too little to be sure (every interval contained 0).

# %% [markdown]
# ## Solutions
#
# The answers to the exercises above, one cell each.
#
# **Section 7: serve the user-based lists.**

# %% [markdown]
# ### BEGIN SOLUTION
# A plugin with a recommender that reads the other artifact, and an experiment
# with two treatments, so that both lists meet the same Random control on the
# same day:
#
# ```python
# # cf_plugin.py, written by a cell that starts with the magic writefile, as in task 3.3
# from botify.service import experiment
# from botify.service.recommenders import collaborative, random_track
#
#
# class UserBased(collaborative.Collaborative):
#     """The user-based lists of section 3: the same lookup, another artifact."""
#     ARTIFACT = "user_based"
#
#
# EXPERIMENTS = [experiment.Experiment("CF", random_track.Random, collaborative.Collaborative, UserBased)]
# ```
#
# ```python
# cf_log = LOG_ROOT / "day2-CF"
# with start_botify("CF", data=DATA, log_dir=cf_log, plugins=["cf_plugin.py"]) as service:
#     upload(service, collaborative_path)
#     upload(service, user_based_path)  # its stem, "user_based", is the artifact's name
#     sim.simulate(world=DATA, agent="remote", url=service.url, seed=SEED, first_day=2,
#                  episodes=EPISODES, processes=PROCESSES, progress=False)
# show_report(cf_log, "CF")
# ```
#
# Subclassing `Collaborative` is right here (only the artifact changes); in
# task 3.3 it was not allowed because writing the lookup was the task. What to
# expect: the user-based arm's lists hold the neighbours' tracks for the
# listeners who have neighbours, and the most-liked tracks for everyone else,
# so expect it too to beat Random by far (much of the effect of section 8
# comes from serving liked tracks at all). Against Collaborative the comparison is
# between T1 and T2: the report compares each with the control, so compare
# their intervals, or serve `Experiment("CF2", Collaborative, UserBased)` to
# get the difference and its interval directly. With three arms each arm has a
# third of the listeners, so the intervals are wider than in section 8.
# ### END SOLUTION

# %% [markdown]
# **Section 9, exercise 1: tune honestly.**

# %% [markdown]
# ### BEGIN SOLUTION
# Three parts of the days: fit on the days before `last_day - 1`, validate on
# `last_day - 1`, test once on `last_day`. Choose on validation, then refit the
# chosen setting on every day before the test day:
#
# ```python
# valid_day = last_day - 1
# fit_part = heard[heard[item_bias.DAY] < valid_day]
# valid_part = heard[heard[item_bias.DAY] == valid_day]
# grid = [(shrinkage, decay) for shrinkage in (1, 3, 10, 30, 100) for decay in (0.2, 0.35, 0.5, 0.7, 0.9)]
# scores = {(shrinkage, decay): item_bias.compare(fit_part, valid_part, shrinkage=shrinkage, decay=decay,
#                                                 seed=SEED).set_index("form")["mse"]
#           for shrinkage, decay in grid}
# table = pd.DataFrame(scores).T  # rows (shrinkage, decay), columns the forms
# best = {form: table[form].idxmin() for form in table.columns}
# final = {form: item_bias.compare(heard[heard[item_bias.DAY] < last_day],
#                                  heard[heard[item_bias.DAY] == last_day], forms=("static", form),
#                                  shrinkage=best[form][0], decay=best[form][1], seed=SEED)
#          for form in ("static", "per_day", "decayed")}
# ```
#
# (`decay` matters only for the decayed form, so choose per form.) The test
# day is looked at once, after the choice. With `DRIFT_DAYS = 5` the
# validation day is a single day of a few thousand reactions, so its choice is
# itself noisy: expect the decayed form with a tuned `decay` to come close to
# the per-day form, since a per-day bin carried forward *is* a decayed mean
# with a very small `decay`; a sharp lead for either on one validation day
# should not be trusted without its interval.
# ### END SOLUTION

# %% [markdown]
# **Section 9, exercise 2: another form.**

# %% [markdown]
# ### BEGIN SOLUTION
# A form is a branch of `item_bias._track_parameters` (what is fitted per
# track) plus one of `item_bias._item_part` (how a day is predicted), and its
# name in `item_bias.FORMS`. The per-day bin with its own shrinkage is the
# smallest change: fit the bins with a `bin_shrinkage` larger than the one of
# $b_i$, so a day with few plays moves the track's bias less. A control-point
# spline instead fits one parameter per control point $t_l$ (every two days)
# and predicts day $t$ as the kernel-weighted mean of the points,
# $\sum_l e^{-\gamma |t - t_l|} b_{i,l} / \sum_l e^{-\gamma |t - t_l|}$. Judge
# either with `item_bias.compare(..., forms=(..., "static"))` on the same
# days. The expectation in this world: neither beats the last bin by more than
# its interval, because the best forecast of a random walk is its last value,
# and every smoother only estimates that value with less noise; the stronger
# shrinkage helps tracks with few plays and costs the well-played ones.
# ### END SOLUTION

# %% [markdown]
# **Section 9, exercise 3: momentum.**

# %% [markdown]
# ### BEGIN SOLUTION
# `sim.listener.appeal_shift` sums, for day `d`, `d` independent normal steps
# per track: a random walk. A trend needs steps that persist, for example a
# per-track velocity drawn once from the world's seed, $v_i \sim N(0,
# \sigma_v)$, added as `d * v_i` (a constant drift), or steps that are
# correlated from one day to the next (an AR(1) on the steps). This is a
# change to the simulator, made only in your own copy, never seen by botify.
# With a constant drift the linear form extrapolates the right way and beats
# the last bin as soon as the trend per day is larger than the noise of one
# day's bin; in the random-walk world it loses. Which to ship without knowing
# the world: the one that wins on validation days, which is what exercise 1
# builds; and a form that hedges, like the decayed mean, is a safe default,
# since it is never far behind the best in either world.
# ### END SOLUTION

# %% [markdown]
# **Section 9, exercise 4: users drift too.**

# %% [markdown]
# ### BEGIN SOLUTION
# Add per-day user bins the same way as the track bins: $b_u + b_{u,t}$, each
# shrunk, fitted in the same alternation. Then compare with and without them
# on the last day. In this world there is little to find: the simulator's
# drift moves the *tracks'* appeal (`appeal_shift`), not the listeners'
# patience, so the user bins can only fit noise, and they also have far fewer
# events per user and day than a TopPop track has. Expect no gain, or a small
# loss when they are shrunk too little, which is the answer worth reporting:
# the model should not have parameters for a change the data does not contain.
# ### END SOLUTION
