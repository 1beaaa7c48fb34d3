import pathlib
import signal
import sys
import time

import pytest

from botify.processes import ProcessGroup


def group_members(pgid):
    """Live (not zombie) processes of a process group, read from /proc."""
    members = []
    for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, group = fields[0], int(fields[2])
        if group == pgid and state != "Z":
            members.append(int(stat.parent.name))
    return members


def test_stopping_a_process_also_stops_what_it_started():
    with ProcessGroup() as processes:
        parent = processes.start("bash", "-c", "sleep 300 & sleep 300 & wait")
        for _ in range(50):
            if len(group_members(parent.pid)) >= 3:
                break
            time.sleep(0.05)
        assert len(group_members(parent.pid)) == 3
        processes.stop(parent)
    assert parent.returncode is not None
    assert gone(parent.pid)


def gone(pgid, timeout=5):
    """True once no live process is left in the group (a SIGKILL takes the kernel a moment to carry out)."""
    deadline = time.monotonic() + timeout
    while group_members(pgid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return group_members(pgid) == []


def test_leaving_the_block_stops_everything_even_on_error():
    with pytest.raises(RuntimeError):
        with ProcessGroup() as processes:
            started = [processes.start(sys.executable, "-c", "import time; time.sleep(300)")
                       for _ in range(2)]
            raise RuntimeError("a step failed")
    assert all(process.poll() is not None for process in started)


def test_an_interrupted_run_stops_the_command_and_what_it_started(tmp_path):
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    leader = tmp_path / "pid"
    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    try:
        with pytest.raises(KeyboardInterrupt), ProcessGroup() as processes:
            processes.run("bash", "-c", f"echo $$ > {leader}; sleep 300 & sleep 300 & wait")
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert processes.running == []
    assert gone(int(leader.read_text()))


def test_a_run_returns_the_exit_code_and_leaves_nothing():
    with ProcessGroup() as processes:
        assert processes.run(sys.executable, "-c", "raise SystemExit(4)") == 4
        assert processes.running == []
