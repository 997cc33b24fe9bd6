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
[ ${#want[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null 2>&1 \
    || echo "install-toolchains: could not install all of: ${want[*]}"
else
  echo "install-toolchains: not root or no apt-get; missing: ${want[*]}"
fi
exit 0
