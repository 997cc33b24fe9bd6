#!/usr/bin/env bash
# System packages the tests use (browser, snippet toolchains). Installs what is missing when it can
# (root with apt-get); otherwise says what is missing, and the tests that need it say they skip.
set -u
want=()
missing() { ! command -v "$1" >/dev/null 2>&1; }
missing chromium && want+=(chromium)  # the browser tests (Playwright drives /usr/bin/chromium)
# Snippet toolchains (tests/snippets): each exported language runs for real where its toolchain is here.
missing curl && want+=(curl)
missing openssl && want+=(openssl)  # a self-signed certificate for the sandbox under TLS (tests/sandbox/test_client_library.py)
missing php && want+=(php-cli php-curl)
command -v php >/dev/null 2>&1 && ! php -m 2>/dev/null | grep -qx curl && want+=(php-curl)
missing ruby && want+=(ruby)
missing go && want+=(golang-go)
missing java && want+=(default-jdk-headless)
# Debian has no .NET SDK package; Mono's C# compiler and runtime (with System.Net.Http) run the C# snippets.
missing dotnet && { missing mcs || missing mono; } && want+=(mono-mcs mono-runtime libmono-system-net-http4.0-cil)
# The curl snippet reads secrets with --variable (curl 8.3 and later); Debian 12 has 7.88, its backports 8.14.
curl_older_than_8_3() { command -v curl >/dev/null 2>&1 && curl --version | awk 'NR == 1 { split($2, v, "."); exit !(v[1] < 8 || (v[1] == 8 && v[2] < 3)) }'; }
new_curl=""
curl_older_than_8_3 && grep -q '^12' /etc/debian_version 2>/dev/null && new_curl="curl (8.3+ from bookworm-backports)"
[ ${#want[@]} -eq 0 ] && [ -z "$new_curl" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  if [ -n "$new_curl" ] && [ ! -e /etc/apt/sources.list.d/bookworm-backports.sources ]; then
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      > /etc/apt/sources.list.d/bookworm-backports.sources
  fi
  apt-get update -qq >/dev/null 2>&1 || true
  if [ ${#want[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null 2>&1 \
      || echo "install-toolchains: could not install all of: ${want[*]}"
  fi
  if [ -n "$new_curl" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -t bookworm-backports curl >/dev/null 2>&1 \
      || echo "install-toolchains: could not install $new_curl; the curl snippet runs are skipped"
  fi
else
  echo "install-toolchains: not root or no apt-get; missing: ${want[*]} $new_curl"
fi
exit 0
