"""Checks that teach: what a seminar's task cells are checked with.

A task in a seminar is a function (or a recommender class) the student writes
in a task cell; the cell after it calls one check from ``botify.teaching.weekN_topic``.
A check runs the student's code on a small planted case whose answer it knows,
compares with the package's own implementation, and either prints one line
saying what passed or raises ``CheckFailed`` with one sentence that names what
is wrong ("session 3 of user 12 should end at 10:04; yours ends at 10:07").
The lesson then goes on with the package's version, so one unfinished task
never breaks the cells after it.

    from botify.teaching import check, passed, attempt

    def check_sessions(sessions_of):
        got = attempt("Task 1.1", sessions_of, planted_events())
        check(len(got) == 3, f"Task 1.1: the planted log has 3 sessions; yours has {len(got)}")
        passed("Task 1.1", "sessions end at their 'last' event")
"""


class CheckFailed(AssertionError):
    """A task's check found something wrong; the message says what, in one sentence."""


def check(condition, message):
    """Raise ``CheckFailed(message)`` unless ``condition`` holds."""
    if not condition:
        raise CheckFailed(message)


def attempt(task, function, *args, **kwargs):
    """Call the student's ``function``; an unwritten or crashing one is a ``CheckFailed`` naming ``task``.

    The student edition's stub raises NotImplementedError, so a task not yet
    written fails its check with "not written yet" instead of a bare traceback.
    """
    name = getattr(function, "__name__", repr(function))
    try:
        return function(*args, **kwargs)
    except NotImplementedError:
        raise CheckFailed(f"{task}: {name} is not written yet (it raises NotImplementedError)") from None
    except CheckFailed:
        raise
    except Exception as error:
        raise CheckFailed(f"{task}: {name} raised {type(error).__name__}: {error}") from error


def passed(task, what):
    """Say in one line that ``task`` passed and what was checked."""
    print(f"✔ {task} passed: {what}")
