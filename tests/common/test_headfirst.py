"""Slow clients cannot starve the servers: with 200 connections sending their request heads a line every 2 s, the
servers the Procfile starts still answer, and close those connections once their head is past its deadline."""

from __future__ import annotations

import os
import selectors
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

from common.headfirst import REQUEST_DEADLINE, WORKER_CLASS
from common.serving import wait_http
from tests.helpers import ROOT, free_port, procfile_line

SLOW_CONNECTIONS = 200
LINE_EVERY = 2.0
ANSWER_WITHIN = 1.0  # a bound, not a timing: generous for a loaded 2-core machine
CHECKS = 3


def test_every_procfile_line_runs_the_head_first_worker():
    for name in ("web", "sandbox", "bot"):
        assert f"--worker-class {WORKER_CLASS}" in procfile_line(name), name


def start_procfile_line(name: str, port: int, tmp_path: Path) -> subprocess.Popen:
    """The line run by a shell as a PaaS would: the gunicorn script, the repository as cwd, WEB_CONCURRENCY unset."""
    env = {
        "PATH": f"{ROOT / '.venv' / 'bin'}:/usr/bin:/bin",
        "PORT": str(port),
        "SANDBOX_DB": str(tmp_path / "sandbox.db"),
        "SANDBOX_BANNER": "false",
        "HIPCHAT_API_URL": "http://127.0.0.1:9/v2",
        "RUNTIME_URL": "http://127.0.0.1:9",
        "BOT_DB": str(tmp_path / "bot.db"),
    }
    with (tmp_path / "server.log").open("wb") as log:
        return subprocess.Popen(
            ["bash", "-c", f"exec {procfile_line(name)}"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )


def open_slow(port: int, path: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode())
    sock.setblocking(False)
    return sock


def dribble(open_socks: dict[socket.socket, int]) -> None:
    """One more header line on each connection still open; a refused send means the server closed it."""
    for sock in list(open_socks):
        try:
            sock.send(f"X-Slow-{open_socks[sock]}: a\r\n".encode())
            open_socks[sock] += 1
        except OSError:
            del open_socks[sock]
            sock.close()


def reap_closed(open_socks: dict[socket.socket, int], wait: float) -> None:
    """Forget the connections the server has closed (EOF or reset), watching for wait seconds."""
    with selectors.DefaultSelector() as selector:
        for sock in open_socks:
            selector.register(sock, selectors.EVENT_READ)
        for key, _ in selector.select(wait):
            sock = key.fileobj
            try:
                data = sock.recv(4096)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                del open_socks[sock]
                sock.close()


@pytest.mark.parametrize(("name", "path"), [("web", "/healthz"), ("sandbox", "/v2/capabilities"), ("bot", "/healthz")])
def test_slow_request_heads_neither_starve_the_server_nor_stay_open(name, path, tmp_path: Path):
    port = free_port()
    process = start_procfile_line(name, port, tmp_path)
    url = f"http://127.0.0.1:{port}{path}"
    open_socks: dict[socket.socket, int] = {}
    try:
        wait_http(url, processes=[process])
        opened = time.monotonic()
        for _ in range(SLOW_CONNECTIONS):
            open_socks[open_slow(port, path)] = 0
        session = requests.Session()
        session.trust_env = False
        for _ in range(CHECKS):
            reap_closed(open_socks, LINE_EVERY / 2)
            dribble(open_socks)
            # A fresh connection each time, as a health check makes: it must get a thread while the slow ones wait.
            answer = requests.get(url, timeout=ANSWER_WITHIN, headers={"Connection": "close"})
            assert answer.status_code == 200
            reap_closed(open_socks, LINE_EVERY / 2)
        assert len(open_socks) == SLOW_CONNECTIONS, "slow connections were closed before their deadline"
        bound = opened + REQUEST_DEADLINE + 2 * LINE_EVERY  # the deadline, plus a loaded machine's slack
        while open_socks and time.monotonic() < bound:
            dribble(open_socks)
            reap_closed(open_socks, LINE_EVERY)
        assert not open_socks, f"{len(open_socks)} slow connections still open {bound - opened:.0f} s after they opened"
        assert requests.get(url, timeout=ANSWER_WITHIN).status_code == 200
    finally:
        for sock in open_socks:
            sock.close()
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)


BURST = 16
BURSTS = 3
IDLE_WATCH = 2.0  # seconds: an idle worker uses a few ms of CPU in them, a spinning one all of them


def pid_over(sock: socket.socket) -> int:
    """The pid the pid app answers to the request sent over a kept-alive connection."""
    answer = b""
    while b"\r\n\r\n" not in answer or not answer.split(b"\r\n\r\n", 1)[1]:
        chunk = sock.recv(4096)
        assert chunk, "the server closed a kept-alive connection"
        answer += chunk
    return int(answer.split(b"\r\n\r\n", 1)[1])


def start_pid_app(port: int, tmp_path: Path) -> subprocess.Popen:
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "8"]
    command += ["--worker-class", WORKER_CLASS, "tests.fixtures.pid_app:app"]
    with (tmp_path / "server.log").open("wb") as log:
        server = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    wait_http(f"http://127.0.0.1:{port}/", processes=[server])
    deadline = time.monotonic() + 30
    while len(worker_pids(server)) < 2:  # the first worker answers before the second has booted
        assert time.monotonic() < deadline, "the second worker did not boot"
        time.sleep(0.1)
    return server


def worker_pids(server: subprocess.Popen) -> list[int]:
    return [int(pid) for pid in subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()]


def burst_shares(port: int) -> dict[int, int]:
    """How many of BURST connections opened at once (as a client's pool opens them) each worker holds."""
    socks = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(BURST)]
    try:
        for sock in socks:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        held: dict[int, int] = {}
        for sock in socks:
            pid = pid_over(sock)
            held[pid] = held.get(pid, 0) + 1
        return held
    finally:
        for sock in socks:
            sock.close()


def assert_bursts_shared(port: int) -> None:
    """BURSTS bursts in turn, each shared between the 2 workers (about half each)."""
    bursts = []
    for _ in range(BURSTS):
        time.sleep(1.2)  # both workers past a turn of their loop, which says what each holds (the last burst closed)
        bursts.append(burst_shares(port))
    assert all(len(held) == 2 and max(held.values()) <= BURST // 2 + 2 for held in bursts), bursts


def test_a_burst_of_kept_alive_connections_is_shared_between_the_workers(tmp_path: Path):
    """Each of the 2 workers holds about half of a burst of kept-alive connections, burst after burst. Without the
    shares, the kernel woke the same worker first each time: 11 to 16 of 16 in one worker, in about half the runs."""
    port = free_port()
    server = start_pid_app(port, tmp_path)
    try:
        assert_bursts_shared(port)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_a_worker_whose_sibling_cannot_accept_takes_the_whole_burst(tmp_path: Path):
    """The sibling holding fewer is stopped (SIGSTOP: it cannot accept): the other worker yields each connection for
    a moment only, then takes it, and the whole burst is answered."""
    port = free_port()
    server = start_pid_app(port, tmp_path)
    workers = worker_pids(server)
    try:
        time.sleep(1.2)  # both have said they hold nothing
        os.kill(workers[0], signal.SIGSTOP)
        started = time.monotonic()
        held = burst_shares(port)
        assert held == {workers[1]: BURST}
        assert time.monotonic() - started < 5  # a bound, not a timing: 16 yields of ACCEPT_YIELD, on a loaded machine
    finally:
        os.kill(workers[0], signal.SIGCONT)
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_workers_idle_after_a_burst_use_no_cpu(tmp_path: Path):
    """After a burst shared between them (yields included), idle workers wait in their event loop, not spin in it."""
    port = free_port()
    server = start_pid_app(port, tmp_path)
    try:
        time.sleep(1.2)
        for _ in range(2):
            burst_shares(port)
        time.sleep(0.5)
        before = {pid: cpu_seconds(pid) for pid in worker_pids(server)}
        time.sleep(IDLE_WATCH)
        used = {pid: cpu_seconds(pid) - seconds for pid, seconds in before.items()}
        assert all(seconds < IDLE_WATCH / 4 for seconds in used.values()), used
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_a_respawned_worker_still_shares_bursts(tmp_path: Path):
    """Workers killed and respawned until the ages gunicorn gives them pass the slots the server reads (4 a worker):
    the newest still publishes where its sibling looks, and bursts stay shared."""
    port = free_port()
    server = start_pid_app(port, tmp_path)
    try:
        for _ in range(8):
            victim = worker_pids(server)[0]
            os.kill(victim, signal.SIGKILL)
            deadline = time.monotonic() + 30
            while victim in worker_pids(server) or len(worker_pids(server)) < 2:
                assert time.monotonic() < deadline, "the arbiter did not respawn the worker"
                time.sleep(0.1)
        assert_bursts_shared(port)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
