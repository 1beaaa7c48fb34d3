"""A torch ranker of the next track given the session's context (seminar 4, HW3).

F(start, track) = <context(start), track(track)> + bias(track) + mean, and the
user-aware variant adds the listener: <context(start) + user(user), track(track)>.
Trained with MSE to the listening time; the track bias and the global mean
take the average appeal, so the dot product learns what fits the context.
CPU only, seeded, early stopping on a validation split, judged on a test
split against predicting the mean time.
"""

import copy
import dataclasses

import numpy as np
import torch
from torch import nn

from botify import fields
from botify.progress_bars import progress_bar, stopped_early


class ContextualRanker(nn.Module):
    """Embeddings of start tracks (context), candidate tracks and optionally users.

    With the catalog's ``artists`` and ``genres`` (integer codes per track) a
    track's context and candidate vectors are sums of track, artist and genre
    embeddings, so a rarely played track still inherits what its artist and
    genre taught the model.
    """

    def __init__(self, n_tracks, n_users=0, dim=32, seed=0, artists=None, genres=None):
        super().__init__()
        generator = torch.Generator().manual_seed(seed)
        sizes = {"track": n_tracks}
        for level, codes in (("artist", artists), ("genre", genres)):
            if codes is not None:
                self.register_buffer(f"{level}_of", torch.as_tensor(np.asarray(codes, np.int64)))
                sizes[level] = int(np.max(codes)) + 1
        self.context = nn.ModuleDict({level: nn.Embedding(size, dim) for level, size in sizes.items()})
        self.candidate = nn.ModuleDict({level: nn.Embedding(size, dim) for level, size in sizes.items()})
        self.bias = nn.ModuleDict({level: nn.Embedding(size, 1) for level, size in sizes.items()})
        self.user = nn.Embedding(n_users, dim) if n_users else None
        self.mean = nn.Parameter(torch.zeros(()))
        for table in [*self.context.values(), *self.candidate.values()]:
            nn.init.normal_(table.weight, std=0.01, generator=generator)
        for table in [*self.bias.values(), *([self.user] if n_users else [])]:
            nn.init.zeros_(table.weight)

    def _sum(self, tables, tracks):
        return sum(table(tracks if level == "track" else getattr(self, f"{level}_of")[tracks])
                   for level, table in tables.items())

    def forward(self, start, track, user=None):
        query = self._sum(self.context, start)
        if self.user is not None:
            query = query + self.user(user)
        score = (query * self._sum(self.candidate, track)).sum(-1)
        return score + self._sum(self.bias, track).squeeze(-1) + self.mean

    def decayed(self):
        """Parameters of the many-rowed tables (tracks, artists, users) that weight decay keeps small."""
        tables = [self.context, self.candidate, self.bias]
        found = [table[level].weight for table in tables for level in table if level != "genre"]
        return found + ([self.user.weight] if self.user is not None else [])

    def vectors(self):
        """(context vectors, track vectors) whose dot products rank like the model for one start track.

        The track bias rides along against a constant 1; a user-aware model
        adds the average listener, since a per-track list has no user.
        """
        with torch.no_grad():
            tracks = torch.arange(len(self.context["track"].weight))
            context = self._sum(self.context, tracks)
            if self.user is not None:
                context = context + self.user.weight.mean(0)
            ones = torch.ones(len(context), 1)
            candidates = torch.hstack([self._sum(self.candidate, tracks), self._sum(self.bias, tracks)])
            return torch.hstack([context, ones]).numpy(), candidates.numpy()

    def two_stage_tables(self):
        """The four tables of the two-stage artifact's vectors, as numpy: context (the track just heard),
        item and bias (a candidate), user (None for a model without users);
        F = <context + user, item> + bias."""
        with torch.no_grad():
            tracks = torch.arange(len(self.context["track"].weight))
            return {"context": self._sum(self.context, tracks).numpy(),
                    "item": self._sum(self.candidate, tracks).numpy(),
                    "bias": self._sum(self.bias, tracks).squeeze(-1).numpy(),
                    "user": None if self.user is None else self.user.weight.numpy().copy()}


@dataclasses.dataclass
class Result:
    """The model at its best validation epoch and how it compares to the mean baseline."""

    model: ContextualRanker
    curve: list  # validation MSE after each epoch
    best_epoch: int
    test_mse: float
    baseline_mse: float  # test MSE of always predicting the train mean time


def split(pairs, shares=(0.8, 0.1, 0.1), seed=0):
    """Seeded random (train, validation, test) frames of the pairs."""
    cut = np.cumsum(shares)[:2] / sum(shares)
    draw = np.random.default_rng(seed).random(len(pairs))
    parts = (draw < cut[0], (draw >= cut[0]) & (draw < cut[1]), draw >= cut[1])
    return tuple(pairs[part].reset_index(drop=True) for part in parts)


def tensors(pairs):
    """(start, track, user, time) tensors of a pairs frame."""
    columns = (fields.START, fields.TRACK, fields.USER)
    ids = [torch.tensor(pairs[column].to_numpy(np.int64)) for column in columns]
    return (*ids, torch.tensor(pairs[fields.TIME].to_numpy(np.float32)))


def mse(model, pairs):
    """Mean squared error of the model on a pairs frame."""
    start, track, user, time = tensors(pairs)
    with torch.no_grad():
        return float(((model(start, track, user) - time) ** 2).mean())


def train(pairs, n_tracks, n_users=0, dim=32, epochs=30, patience=3, batch_size=1024, lr=0.003,
          weight_decay=10.0, artists=None, genres=None, seed=0, progress=False):
    """Fit a :class:`ContextualRanker` on (user, start, track, time) pairs.

    ``n_users`` > 0 makes it user-aware (user ids must be below it). Logs are
    sparse (most pairs are seen once), so the per-track, per-artist and
    per-user tables get strong decoupled weight decay (AdamW) and training
    stops after ``patience`` epochs without a better validation MSE.
    """
    train_pairs, val_pairs, test_pairs = split(pairs, seed=seed)
    model = ContextualRanker(n_tracks, n_users, dim, seed, artists, genres)
    with torch.no_grad():
        model.mean.fill_(float(train_pairs[fields.TIME].mean()))
    decayed = {id(parameter) for parameter in model.decayed()}
    groups = [
        {"params": model.decayed(), "weight_decay": weight_decay},
        {"params": [p for p in model.parameters() if id(p) not in decayed], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=lr)
    generator = torch.Generator().manual_seed(seed)
    data = tensors(train_pairs)
    best, best_epoch, curve = model, 0, []
    with progress_bar(total=epochs, desc="contextual", unit="epoch", disable=not progress) as bar:
        for epoch in range(1, epochs + 1):
            for batch in torch.randperm(len(train_pairs), generator=generator).split(batch_size):
                start, track, user, time = (column[batch] for column in data)
                loss = ((model(start, track, user) - time) ** 2).mean()
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            curve.append(mse(model, val_pairs))
            bar.set_postfix(validation_mse=f"{curve[-1]:.4f}", refresh=False)
            bar.update()
            if curve[-1] <= min(curve):
                best, best_epoch = copy.deepcopy(model), epoch
            elif epoch - best_epoch >= patience:
                stopped_early(bar, epoch, epochs)
                break
    baseline = float(((test_pairs[fields.TIME] - train_pairs[fields.TIME].mean()) ** 2).mean())
    return Result(best, curve, best_epoch, mse(best, test_pairs), baseline)
