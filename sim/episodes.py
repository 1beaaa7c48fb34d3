"""One listening session played between the listener model and an agent.

The call sequence is the HTTP contract's: ``next`` with (first track, 1.0),
then ``next`` with each recommendation and its listening time while the
session goes on, and ``last`` with the final track and time.
"""


def play_session(model, agent, user, rng):
    """Play one session of ``user``; returns the Session (its time, tracks, budget...)."""
    session = model.start(user, rng)
    start = getattr(agent, "start", None)
    if start is not None:
        start(user, session.first_track)
    track, time = session.first_track, 1.0
    while True:
        track = agent.next(user, track, time)
        time = model.listen(session, int(track), rng)
        if session.done:
            break
    last = getattr(agent, "last", None)
    if last is not None:
        last(user, track, time)
    return session


def session_stats(session, day, episode):
    """The row a run reports per episode; tracks counts every event, the first one included."""
    return {
        "day": day, "episode": episode, "user": session.user, "interest": session.interest,
        "time": round(session.time, 2), "tracks": session.recommended + 1,
    }
