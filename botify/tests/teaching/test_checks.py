"""The check helpers every seminar task uses: one sentence naming the task, never a bare traceback."""

import pytest

from botify.teaching import CheckFailed, attempt, check, passed


def test_check_raises_its_message_only_when_the_condition_fails():
    check(True, "never said")
    with pytest.raises(CheckFailed, match="^Task 1.1: yours ends at 10:07$"):
        check(False, "Task 1.1: yours ends at 10:07")


def test_attempt_says_an_unwritten_task_is_not_written_yet():
    def sessions_of(events):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="^Task 1.1: sessions_of is not written yet"):
        attempt("Task 1.1", sessions_of, [])


def test_attempt_names_a_crash_and_returns_a_working_answer():
    assert attempt("Task 2.1", len, [1, 2]) == 2
    with pytest.raises(CheckFailed, match="^Task 2.1: len raised TypeError: object of type 'int' has no len"):
        attempt("Task 2.1", len, 3)


def test_a_check_failed_is_an_assertion_error_so_plain_asserts_and_pytest_treat_it_alike(capsys):
    assert issubclass(CheckFailed, AssertionError)
    passed("Task 3.2", "the matrix has one genre per track")
    assert capsys.readouterr().out == "✔ Task 3.2 passed: the matrix has one genre per track\n"
