"""The store: versioned migrations, WAL on files, nested transactions, and history pages whose cost does not grow with the room."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
import time
import uuid

import pytest

from sandbox.http.paging import Page
from sandbox.model.history import Options, Scope, page_query
from sandbox.store import clock
from sandbox.store.db import CHECKPOINT_EVERY, Database
from sandbox.store.migrations import DELIVERY_QUEUE, MIGRATIONS


def test_migrations_bring_the_schema_to_the_latest_version_once(tmp_path):
    db = Database(str(tmp_path / "m.db"))
    assert db.migrate() == len(MIGRATIONS)
    with db.write() as conn:
        conn.execute("INSERT INTO meta (key, value) VALUES ('kept', 'yes')")
    assert Database(str(tmp_path / "m.db")).migrate() == len(MIGRATIONS)
    with db.read() as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'kept'").fetchone()[0] == "yes"


def _open_and_migrate(path: str, start: float, answers: multiprocessing.Queue) -> None:
    while time.time() < start:  # all processes open the file together, as gunicorn's workers do at their boot
        pass
    try:
        Database(path).migrate()
        answers.put("ok")
    except sqlite3.Error as error:
        answers.put(repr(error))


def test_processes_opening_a_new_database_at_once_all_open_it(tmp_path):
    """Without the write lock around the switch to WAL, about one process in ten got "database is locked"."""
    context = multiprocessing.get_context("fork")
    for trial in range(10):
        answers = context.Queue()
        start = time.time() + 0.3
        path = str(tmp_path / f"new-{trial}.db")
        processes = [context.Process(target=_open_and_migrate, args=(path, start, answers)) for _ in range(4)]
        for process in processes:
            process.start()
        for process in processes:
            process.join(30)
        assert [answers.get(timeout=5) for _ in processes] == ["ok"] * 4


def test_a_file_database_is_in_wal_mode_with_normal_sync(tmp_path):
    db = Database(str(tmp_path / "w.db"))
    db.migrate()
    conn = db.connection()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1


def test_a_nested_transaction_is_part_of_the_outer_one():
    db = Database(":memory:")
    db.migrate()
    with pytest.raises(RuntimeError), db.write() as outer:
        outer.execute("INSERT INTO meta (key, value) VALUES ('outer', '1')")
        with db.write() as inner:
            inner.execute("INSERT INTO meta (key, value) VALUES ('inner', '1')")
        raise RuntimeError("roll back both")
    with db.read() as conn:
        assert conn.execute("SELECT count(*) FROM meta").fetchone()[0] == 0


def test_memory_is_one_database_for_every_thread():
    db = Database(":memory:")
    db.migrate()

    def write() -> None:
        with db.write() as conn:
            conn.execute("INSERT INTO meta (key, value) VALUES (?, 'x')", (threading.current_thread().name,))

    threads = [threading.Thread(target=write, name=f"t{n}") for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with db.read() as conn:
        assert conn.execute("SELECT count(*) FROM meta").fetchone()[0] == 4


def room_with(conn: sqlite3.Connection, room_id: int, count: int) -> None:
    conn.execute(
        "INSERT INTO rooms (id, group_id, name, created, version) VALUES (?, 1, ?, 0, 'v')",
        (room_id, f"room {room_id}"),
    )
    now = clock.now_us()
    conn.executemany(
        "INSERT INTO messages (id, room_id, ts, type, message) VALUES (?, ?, ?, 'message', 'm')",
        ((str(uuid.uuid4()), room_id, now - i * 1000) for i in range(count)),
    )


def vm_steps(conn: sqlite3.Connection, sql: str, args: list) -> int:
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    conn.set_progress_handler(count, 1)
    conn.execute(sql, args).fetchall()
    conn.set_progress_handler(None, 1)
    return steps


def test_a_history_page_costs_the_same_in_a_small_and_a_large_room():
    db = Database(":memory:")
    db.migrate()
    with db.write() as conn:
        conn.execute("INSERT INTO groups (id, name, subdomain, created) VALUES (1, 'g', 'g', 0)")
        room_with(conn, 1, 1_000)
        room_with(conn, 2, 100_000)
    options = Options(Page(0, 100), None, None, True, False, clock.UTC, False)
    conn = db.connection()
    small = vm_steps(conn, *page_query(Scope("room_id", 1), options))
    large = vm_steps(conn, *page_query(Scope("room_id", 2), options))
    assert large <= small * 1.1
    plan = " ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + page_query(Scope("room_id", 2), options)[0], [2, 101, 0]))
    assert "messages_room" in plan and "TEMP B-TREE" not in plan


def test_deliveries_queued_before_the_queue_migration_get_a_target_and_their_attempts_a_reason(tmp_path):
    path = str(tmp_path / "old.db")
    with sqlite3.connect(path) as conn:  # the schema as it was before DELIVERY_QUEUE, with a delivery in it
        for script in MIGRATIONS[: MIGRATIONS.index(DELIVERY_QUEUE)]:
            conn.executescript(script)
        conn.execute(f"PRAGMA user_version = {MIGRATIONS.index(DELIVERY_QUEUE)}")
        conn.execute(
            "INSERT INTO deliveries (id, event, url, authentication, payload, next_at, created)"
            " VALUES (1, 'room_message', 'http://Bot.Example:8080/hook?x=1', 'none', '{}', 0, 0)"
        )
        attempts = [(1, 204, None), (2, 500, "HTTP 500"), (3, None, "ReadTimeout: slow"), (4, None, "ConnectionError: no")]
        conn.executemany(
            "INSERT INTO delivery_attempts (delivery_id, attempt, started, duration_ms, status, error, signed)"
            " VALUES (1, ?, 0, 1, ?, ?, 0)",
            attempts,
        )
    db = Database(path)
    assert db.migrate() == len(MIGRATIONS)
    with db.read() as conn:
        assert conn.execute("SELECT target FROM deliveries").fetchone()[0] == "bot.example:8080"
        ended = [row[0] for row in conn.execute("SELECT ended FROM delivery_attempts ORDER BY attempt")]
    assert ended == ["ok", "status 500", "deadline", "unreachable"]


def test_fetch_all_answers_one_statement_s_rows_and_is_part_of_an_open_transaction(tmp_path):
    db = Database(str(tmp_path / "f.db"))
    db.migrate()
    with db.write() as conn:
        conn.execute("INSERT INTO meta (key, value) VALUES ('fetched', 'yes')")
        assert [tuple(row) for row in db.fetch_all("SELECT value FROM meta WHERE key = ?", ("fetched",))] == [("yes",)]
        conn.execute("ROLLBACK")  # what fetch_all read inside was the transaction's own, uncommitted write
        conn.execute("BEGIN")
    assert db.fetch_all("SELECT value FROM meta WHERE key = ?", ("fetched",)) == []


def test_a_commit_never_checkpoints_the_wal_itself(tmp_path):
    db = Database(str(tmp_path / "c.db"))
    db.migrate()
    with db.read() as conn:
        assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0  # a checkpoint inside COMMIT holds the write lock
    db.close()


def test_every_so_many_commits_a_thread_of_its_own_checkpoints_the_wal_into_the_database(tmp_path):
    path = tmp_path / "c.db"
    db = Database(str(path))
    db.migrate()
    with db.write() as conn:
        conn.execute("CREATE TABLE blobs (data BLOB)")
    before = path.stat().st_size
    checkpointers_before = {thread.ident for thread in threading.enumerate() if thread.name == "sandbox-checkpoint"}
    for _ in range(CHECKPOINT_EVERY):
        with db.write() as conn:
            conn.execute("INSERT INTO blobs VALUES (?)", (b"x" * 8192,))
    deadline = time.monotonic() + 20
    while path.stat().st_size < before + CHECKPOINT_EVERY * 8192 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert path.stat().st_size >= before + CHECKPOINT_EVERY * 8192, "the rows are still only in the WAL"
    started = [t for t in threading.enumerate() if t.name == "sandbox-checkpoint" and t.ident not in checkpointers_before]
    assert len(started) == 1
    db.close()
    started[0].join(10)
    assert not started[0].is_alive(), "closing the database stops its checkpointer"


@pytest.mark.parametrize(("scope", "index"), [(Scope("room_id", 2), "messages_room"), (Scope("chat", "1:2"), "messages_chat")])
def test_a_history_page_is_read_from_its_partial_index(scope, index):
    db = Database(":memory:")
    db.migrate()
    options = Options(Page(0, 100), None, None, True, False, clock.UTC, False)
    sql, args = page_query(scope, options)
    plan = " ".join(row[3] for row in db.connection().execute("EXPLAIN QUERY PLAN " + sql, args))
    assert f"USING INDEX {index}" in plan and "TEMP B-TREE" not in plan
    created = db.connection().execute("SELECT sql FROM sqlite_master WHERE name = ?", (index,)).fetchone()[0]
    assert "IS NOT NULL" in created  # a send writes only the index of its kind
