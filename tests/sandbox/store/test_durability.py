"""Durability: concurrent writers against gunicorn, kill -9 of master and workers mid-load, restart on the same database:
every message the sandbox acknowledged is in the history."""

from __future__ import annotations

import threading
import time

import requests

from tests.sandbox.conftest import ADMIN_TOKEN

WRITERS = 6
LOAD_SECONDS = 1.5


def all_ids(session: requests.Session, url: str) -> set[str]:
    ids: set[str] = set()
    next_url = f"{url}/v2/room/General/history?max-results=1000&reverse=false"
    while next_url:
        body = session.get(next_url, timeout=10).json()
        ids.update(item["id"] for item in body["items"])
        next_url = body["links"].get("next")
    return ids


def test_every_acknowledged_message_survives_a_kill_9(gunicorn_sandbox):
    server = gunicorn_sandbox.start()
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(number: int) -> None:
        session = requests.Session()
        session.trust_env = False
        session.headers["Authorization"] = f"Bearer {ADMIN_TOKEN}"
        sent = 0
        while not stop.is_set():
            try:
                response = session.post(f"{server.url}/v2/room/General/message", json={"message": f"writer {number} #{sent}"}, timeout=5)
            except requests.RequestException:
                return  # the server is gone
            if response.status_code == 201:
                with lock:
                    acknowledged.append(response.json()["id"])
            sent += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    time.sleep(LOAD_SECONDS)
    server.kill_hard()
    stop.set()
    for thread in threads:
        thread.join(timeout=10)
    assert len(acknowledged) > 50, "the load never got going"

    server.start()
    stored = all_ids(server.session(), server.url)
    missing = set(acknowledged) - stored
    assert not missing, f"{len(missing)} of {len(acknowledged)} acknowledged messages were lost"
