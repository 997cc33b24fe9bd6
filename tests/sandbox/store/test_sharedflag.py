"""The shared flag: one byte beside the database that every process on it sees, raised by every open."""

from __future__ import annotations

import multiprocessing

from sandbox.store.sharedflag import SharedFlag


def _lower_in_child(path: str) -> None:
    flag = SharedFlag(path, "faults")
    flag.lower()
    flag.close()


def test_a_flag_lowered_by_another_process_is_down_here(tmp_path):
    path = str(tmp_path / "s.db")
    flag = SharedFlag(path, "faults")
    assert flag.is_up()
    child = multiprocessing.get_context("spawn").Process(target=_lower_in_child, args=(path,))
    child.start()
    child.join(30)
    assert child.exitcode == 0
    assert not flag.is_up()
    flag.raise_()
    assert flag.is_up()


def test_every_open_raises_the_flag(tmp_path):
    path = str(tmp_path / "s.db")
    first = SharedFlag(path, "faults")
    first.lower()
    SharedFlag(path, "faults")  # a process starting on the database: it is asked once, not trusted
    assert first.is_up()


def test_flags_of_other_names_or_databases_are_their_own(tmp_path):
    faults = SharedFlag(str(tmp_path / "s.db"), "faults")
    other_name = SharedFlag(str(tmp_path / "s.db"), "hooks")
    other_db = SharedFlag(str(tmp_path / "t.db"), "faults")
    faults.lower()
    assert other_name.is_up() and other_db.is_up()


def test_an_in_memory_database_keeps_its_flag_in_memory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    flag = SharedFlag(":memory:", "faults")
    assert flag.is_up()
    flag.lower()
    assert not flag.is_up()
    assert not list(tmp_path.iterdir())
