"""Offline training: event logs + public catalog in, top-100 artifacts out (seminars 2-4).

Modules: ``data`` (positives, split, pairs, features, popularity), ``lightfm_model``,
``contextual`` (torch), ``export`` (batched top-k, artifact files), ``metrics``,
``projector`` (TensorBoard embeddings).
"""
