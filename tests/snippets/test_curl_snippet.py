"""What only the curl snippet promises: it runs on curl 7.68 and later (every option it passes is in 7.68's list), and its
secrets reach the runtime, JSON-escaped, through standard input: never on curl's command line or in the file, and no
other value of the args is expanded by the shell."""

from __future__ import annotations

import os
import re
import shlex
import shutil

import pytest
import requests

from runtime.app import create_app
from runtime.catalog.loading import load_catalog
from runtime.config import Settings
from tests.helpers import TOKEN, body_json, sent
from tests.snippets.toolchains import run_snippet, snippet_env

ROOM = {"id": 7, "name": "Ops Room"}
CATALOG = load_catalog(Settings().catalog_file)

# Every long option of curl 7.68.0 (January 2020; Ubuntu 20.04 ships it): the options of curl's docs/options-in-versions
# (github.com/curl/curl, also curl.se/docs/optionswhen.html) introduced in 7.68.0 or before, `--include` under its 7.68
# name. Debian 12 has 7.88, Ubuntu 22.04 7.81, RHEL 9 7.76: what came later (--fail-with-body 7.76, --json 7.82,
# --variable and --expand-* 8.3) must not appear.
CURL_7_68_LIST = """
    abstract-unix-socket alt-svc anyauth append basic cacert capath cert cert-status cert-type ciphers compressed
    compressed-ssh config connect-timeout connect-to continue-at cookie cookie-jar create-dirs crlf crlfile data
    data-ascii data-binary data-raw data-urlencode delegation digest disable disable-eprt disable-epsv
    disallow-username-in-url dns-interface dns-ipv4-addr dns-ipv6-addr dns-servers doh-url dump-header egd-file
    engine etag-compare etag-save expect100-timeout fail fail-early false-start form form-string ftp-account
    ftp-alternative-to-user ftp-create-dirs ftp-method ftp-pasv ftp-port ftp-pret ftp-skip-pasv-ip ftp-ssl-ccc
    ftp-ssl-ccc-mode ftp-ssl-control get globoff happy-eyeballs-timeout-ms haproxy-protocol head header help
    hostpubmd5 http0.9 http1.0 http1.1 http2 http2-prior-knowledge http3 ignore-content-length include insecure
    interface ipv4 ipv6 junk-session-cookies keepalive-time key key-type krb libcurl limit-rate list-only local-port
    location location-trusted login-options mail-auth mail-from mail-rcpt manual max-filesize max-redirs max-time
    metalink negotiate netrc netrc-file netrc-optional next no-alpn no-buffer no-keepalive no-npn no-progress-meter
    no-sessionid noproxy ntlm ntlm-wb oauth2-bearer output parallel parallel-immediate parallel-max pass path-as-is
    pinnedpubkey post301 post302 post303 preproxy progress-bar proto proto-default proto-redir proxy proxy-anyauth
    proxy-basic proxy-cacert proxy-capath proxy-cert proxy-cert-type proxy-ciphers proxy-crlfile proxy-digest
    proxy-header proxy-insecure proxy-key proxy-key-type proxy-negotiate proxy-ntlm proxy-pass proxy-pinnedpubkey
    proxy-service-name proxy-ssl-allow-beast proxy-tls13-ciphers proxy-tlsauthtype proxy-tlspassword proxy-tlsuser
    proxy-tlsv1 proxy-user proxy1.0 proxytunnel pubkey quote random-file range raw referer remote-header-name
    remote-name remote-name-all remote-time request request-target resolve retry retry-connrefused retry-delay
    retry-max-time sasl-authzid sasl-ir service-name show-error silent socks4 socks4a socks5 socks5-basic
    socks5-gssapi socks5-gssapi-nec socks5-gssapi-service socks5-hostname speed-limit speed-time ssl ssl-allow-beast
    ssl-no-revoke ssl-reqd sslv2 sslv3 stderr styled-output suppress-connect-headers tcp-fastopen tcp-nodelay
    telnet-option tftp-blksize tftp-no-options time-cond tls-max tls13-ciphers tlsauthtype tlspassword tlsuser tlsv1
    tlsv1.0 tlsv1.1 tlsv1.2 tlsv1.3 tr-encoding trace trace-ascii trace-time unix-socket upload-file url use-ascii
    user user-agent verbose version write-out xattr
    """
CURL_7_68_OPTIONS = frozenset(CURL_7_68_LIST.split())
HOSTILE_TOKEN = "tok\"en\\with\\\\quotes$HOME`id`'s"
HOSTILE_TEXT = "costs $5 and $(id) `id` ${HOME} \\ \\\\ \"q\" 'single' %s {{HIPCHAT_TOKEN}}\nEOF\nJSON\nend"


def curl_options(text: str) -> set[str]:
    """The long options the snippet passes to curl: the words of its curl command, continuation lines included."""
    command = re.search(r"^curl (.*?)<<JSON", text, re.S | re.M).group(1).replace("\\\n", " ")
    return {word.split("=", 1)[0][2:] for word in shlex.split(command) if word.startswith("--")}


def test_every_curl_snippet_uses_only_options_curl_7_68_has():
    client = create_app(Settings()).test_client()
    used: set[str] = set()
    for name in CATALOG.functions:
        used |= curl_options(client.get(f"/api/HipChat/{name}/snippet/curl").get_data(as_text=True))
    upload = client.post("/api/HipChat/shareFileWithRoom/snippet/curl", json={"args": {"roomIdOrName": "Ops Room", "file": "@a.txt"}})
    used |= curl_options(upload.get_data(as_text=True))
    assert {"data-binary", "form", "write-out"} <= used  # the JSON and the multipart forms were both read
    assert used <= CURL_7_68_OPTIONS, f"not in curl 7.68: {sorted(used - CURL_7_68_OPTIONS)}"


def test_the_token_reaches_the_runtime_but_not_curls_command_line(recorded_runtime, upstream, tmp_path):
    upstream.expect_request("/v2/room/Ops Room", method="GET").respond_with_json(ROOM)
    url = f"{recorded_runtime}/api/HipChat/getRoom/snippet/curl"
    exported = requests.post(url, json={"args": {"roomIdOrName": "Ops Room"}}, timeout=10)
    filename = re.search(r'filename="([^"]+)"', exported.headers["Content-Disposition"]).group(1)
    # The first curl on PATH writes down its arguments, exactly what the process list shows, then runs the real curl.
    bin_dir, argv_file = tmp_path / "bin", tmp_path / "argv"
    bin_dir.mkdir()
    recorder = bin_dir / "curl"
    recorder.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{argv_file}"\nexec "{shutil.which("curl")}" "$@"\n')
    recorder.chmod(0o755)
    env = snippet_env(HIPCHAT_TOKEN=TOKEN, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")

    result = run_snippet("curl", exported.text, filename, tmp_path / "snippet", env)

    assert result.returncode == 0, result.stderr.decode()
    [request] = sent(upstream)
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    argv = argv_file.read_text()
    assert "--data-binary" in argv.splitlines()  # the recorder did see curl's command line
    assert TOKEN not in argv and TOKEN not in exported.text


@pytest.mark.parametrize("token", [HOSTILE_TOKEN, "plain-token"])
def test_the_token_and_the_values_arrive_exactly_as_written(recorded_runtime, upstream, tmp_path, token):
    upstream.expect_request("/v2/room/Ops Room/notification", method="POST").respond_with_data("", status=204)
    url = f"{recorded_runtime}/api/HipChat/sendRoomNotification/snippet/curl"
    exported = requests.post(url, json={"args": {"roomIdOrName": "Ops Room", "message": HOSTILE_TEXT}}, timeout=10)
    filename = re.search(r'filename="([^"]+)"', exported.headers["Content-Disposition"]).group(1)

    result = run_snippet("curl", exported.text, filename, tmp_path / "snippet", snippet_env(HIPCHAT_TOKEN=token, HOME="/home-of-test"))

    assert result.returncode == 0, result.stderr.decode() + result.stdout.decode()
    [request] = sent(upstream)
    assert request.headers["Authorization"] == f"Bearer {token}"
    assert body_json(request)["message"] == HOSTILE_TEXT


def test_an_error_envelope_is_printed_and_the_exit_status_is_not_zero(recorded_runtime, upstream, tmp_path):
    not_found = {"error": {"code": 404, "message": "Room not found"}}
    upstream.expect_request("/v2/room/Ops Room", method="GET").respond_with_json(not_found, status=404)
    url = f"{recorded_runtime}/api/HipChat/getRoom/snippet/curl"
    exported = requests.post(url, json={"args": {"roomIdOrName": "Ops Room"}}, timeout=10)

    result = run_snippet("curl", exported.text, "getRoom.sh", tmp_path / "snippet", snippet_env(HIPCHAT_TOKEN=TOKEN))

    assert result.returncode == 1
    assert b'"callback": "error"' in result.stdout.replace(b'":"', b'": "')


def test_the_snippet_is_twelve_lines_around_its_args():
    text = create_app(Settings()).test_client().get("/api/HipChat/getRoom/snippet/curl").get_data(as_text=True)
    lines = text.splitlines()
    args = lines[lines.index('{"args": {') : lines.index("JSON")]  # the here-document: one line per argument
    assert len(lines) - len(args) <= 12
    assert max(len(line) for line in lines) <= 120
