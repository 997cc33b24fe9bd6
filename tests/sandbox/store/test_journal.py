"""The journal and gunicorn's access log never hold a token: not in the path, the query, a header, a link or a redirect."""

from __future__ import annotations

import json
import time

import requests

from tests.sandbox.conftest import ADMIN_TOKEN, CLIENT_SECRET, basic

# Every atom that can carry a secret: the request line, path, query, Referer, a header and environ values.
FULL_FORMAT = '%(h)s "%(r)s" %(s)s "%(f)s" U=%(U)s q=%(q)s auth=%({authorization}i)s raw=%({raw_uri}e)s qs=%({query_string}e)s'


def test_tokens_reach_neither_the_access_log_nor_the_journal(gunicorn_sandbox):
    server = gunicorn_sandbox
    server.args = ["--access-logfile", "-", "--access-logformat", FULL_FORMAT]
    server.start()
    plain = requests.Session()
    plain.trust_env = False
    issued = plain.post(f"{server.url}/v2/oauth/token", data={"grant_type": "client_credentials"}, headers=basic(), timeout=10)
    token = issued.json()["access_token"]
    assert plain.get(f"{server.url}/v2/oauth/token/{token}?auth_token={ADMIN_TOKEN}", timeout=10).status_code == 200
    referer = f"http://bot.example/page?auth_token={token}"
    assert plain.get(f"{server.url}/v2/room?auth_token={ADMIN_TOKEN}", headers={"Referer": referer}, timeout=10).status_code == 200
    admin = server.session()
    link = admin.post(f"{server.url}/v2/addon/link", json={"target": "https://example.com/", "ttl": 60}, timeout=10).json()
    assert plain.get(link["url"], allow_redirects=False, timeout=10).status_code == 302
    assert admin.delete(f"{server.url}/v2/oauth/token/{token}", timeout=10).status_code == 204
    time.sleep(0.6)  # each worker writes its journal every 0.2 s, and the access log line after the answer
    journal = admin.get(f"{server.url}/_sandbox/journal", timeout=10).json()["items"]
    log = server.log_path.read_text()

    secrets = (token, ADMIN_TOKEN, link["token"], CLIENT_SECRET)
    for text in (json.dumps(journal), log):
        assert not [secret for secret in secrets if secret in text]
    assert [entry["path"] for entry in journal if "/oauth/token/" in entry["path"]] == ["/v2/oauth/token/[redacted]"] * 2
    assert "GET /v2/oauth/token/[redacted]?auth_token=%5Bredacted%5D HTTP/1.1" in log
    assert "DELETE /v2/oauth/token/[redacted] HTTP/1.1" in log
    assert "auth=[redacted]" in log and "U=/v2/addon/link/[redacted]" in log
    assert "http://bot.example/page?auth_token=%5Bredacted%5D" in log
    assert '"GET /v2/room?auth_token=%5Bredacted%5D HTTP/1.1" 200' in log
