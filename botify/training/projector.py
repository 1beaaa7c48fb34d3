"""Track embeddings for TensorBoard's projector, written without TensorFlow (seminar 3).

The projector reads a ``projector_config.pbtxt`` in the log dir that points
to a TSV of vectors and a TSV of labels; both are plain text, so numpy and
the catalog are enough. Look at them with ``tensorboard --logdir DIR``.
"""

import pathlib

import numpy as np

from botify import fields

METADATA_COLUMNS = (fields.TRACK, fields.ARTIST, fields.TITLE, fields.GENRE)


def write(logdir, vectors, catalog, name="tracks"):
    """Write ``NAME/tensors.tsv``, ``NAME/metadata.tsv`` and the config; return the config path.

    ``catalog`` holds one row per vector, in the same order (track, artist,
    title, genre are shown as labels). Other embeddings already in the
    config under different names are kept.
    """
    vectors = np.asarray(vectors, dtype=np.float32)
    if len(vectors) != len(catalog):
        raise ValueError(f"{len(vectors)} vectors but {len(catalog)} catalog rows")
    folder = pathlib.Path(logdir) / name
    folder.mkdir(parents=True, exist_ok=True)
    np.savetxt(folder / "tensors.tsv", vectors, fmt="%.6g", delimiter="\t")
    rows = ["\t".join(_cell(value) for value in row)
            for row in catalog[list(METADATA_COLUMNS)].itertuples(index=False)]
    (folder / "metadata.tsv").write_text("\t".join(METADATA_COLUMNS) + "\n" + "\n".join(rows) + "\n")
    return _write_config(pathlib.Path(logdir), name)


def _cell(value):
    """A TSV cell: tabs and line breaks inside titles would shift the columns."""
    return " ".join(str(value).split())


def _write_config(logdir, name):
    """Add or replace the ``name`` block of ``projector_config.pbtxt``."""
    path = logdir / "projector_config.pbtxt"
    blocks = [block for block in _blocks(path) if f'tensor_name: "{name}"' not in block]
    blocks.append(
        "embeddings {\n"
        f'  tensor_name: "{name}"\n'
        f'  tensor_path: "{name}/tensors.tsv"\n'
        f'  metadata_path: "{name}/metadata.tsv"\n'
        "}\n"
    )
    path.write_text("".join(blocks))
    return path


def _blocks(path):
    """The ``embeddings { ... }`` blocks of an existing config written by :func:`write`."""
    if not path.exists():
        return []
    return ["embeddings {" + block for block in path.read_text().split("embeddings {")[1:]]
