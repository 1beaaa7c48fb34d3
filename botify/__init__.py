"""Botify: the music recommender service a learner runs, extends and A/B-tests.

Subpackages: ``service`` (Flask + Redis web service), ``analysis`` (logs to A/B
verdicts), ``training`` (logs to models to top-100 lists). The service never
imports analysis or training, so web workers stay light.
"""

__version__ = "0.1.0"
