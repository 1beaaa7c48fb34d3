"""The event log in one process: one line per event, per-process file, size-based rotation that loses
nothing."""

import json
import os
import threading

from botify.service.event_log import EventLog


def read_all(folder):
    return [json.loads(line) for path in sorted(folder.glob("events*.jsonl*"))
            for line in path.read_text().splitlines()]


def test_each_event_is_one_line_in_the_process_file(tmp_path):
    log = EventLog(tmp_path / "log")
    log.write({"message": "next", "user": 1})
    log.write({"message": "last", "user": 1})
    log.close()
    assert (tmp_path / "log" / f"events-{os.getpid()}.jsonl").read_text().count("\n") == 2
    assert read_all(tmp_path / "log") == [{"message": "next", "user": 1}, {"message": "last", "user": 1}]


def test_rotation_numbers_copies_in_creation_order_and_keeps_everything(tmp_path):
    log = EventLog(tmp_path, max_bytes=100)
    for index in range(40):
        log.write({"index": index, "pad": "x" * 20})
    log.close()
    name = f"events-{os.getpid()}.jsonl"
    rotated = sorted(tmp_path.glob(name + ".*"), key=lambda path: int(path.suffix[1:]))
    assert len(rotated) >= 10 and all(path.stat().st_size <= 100 for path in rotated)
    in_order = [json.loads(line)["index"] for path in [*rotated, tmp_path / name]
                for line in path.read_text().splitlines()]
    assert in_order == list(range(40))


def test_a_new_log_appends_to_an_existing_file_and_continues_numbering(tmp_path):
    name = f"events-{os.getpid()}.jsonl"
    (tmp_path / (name + ".3")).write_text('{"old": 1}\n')
    log = EventLog(tmp_path, max_bytes=30)
    log.write({"a": 1})
    log.write({"b": 2, "pad": "xxxxxxxxxxxxxx"})
    log.close()
    assert (tmp_path / (name + ".4")).read_text() == '{"a":1}\n'
    assert len(read_all(tmp_path)) == 3


def test_threads_never_interleave_or_lose_lines(tmp_path):
    log = EventLog(tmp_path, max_bytes=2000)

    def writer(thread):
        for index in range(300):
            log.write({"thread": thread, "index": index, "pad": "y" * (index % 50)})

    threads = [threading.Thread(target=writer, args=(thread,)) for thread in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    log.close()
    events = read_all(tmp_path)
    assert (sorted((event["thread"], event["index"]) for event in events)
            == [(t, i) for t in range(8) for i in range(300)])


def test_threads_of_one_app_share_a_single_writer(app):
    from botify.service.event_log import get_event_log

    writers = []

    def first_request():
        with app.app_context():
            writers.append(get_event_log())

    threads = [threading.Thread(target=first_request) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(writer) for writer in writers}) == 1
