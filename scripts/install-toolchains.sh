#!/usr/bin/env bash
# The system packages the tests use (browser, snippet toolchains, openssl), one line per toolchain: present,
# installed, or why not and which tests skip without it. As root with apt-get what is missing is installed (apt's
# output goes to $TOOLCHAINS_LOG; the error is shown when an install fails). Anywhere else nothing is installed and
# the tests that need a missing toolchain skip, saying so. Always exits 0: a missing toolchain skips its tests only.
set -u
LOG=${TOOLCHAINS_LOG:-${TMPDIR:-/tmp}/install-toolchains.log}
have() { command -v "$1" >/dev/null 2>&1; }
line() { printf 'install-toolchains: %-9s %s\n' "$1" "$2"; }

# name|packages|what skips without it. A toolchain is present when check_<name> succeeds, else when `name` is a command.
TOOLCHAINS=(
  "chromium|chromium|the browser tests"
  "curl|curl|the README examples and the curl snippet runs"
  "openssl|openssl|the TLS tests"
  "node|nodejs|the javascript and node snippet runs"
  "php|php-cli php-curl|the php snippet runs"
  "ruby|ruby|the ruby snippet runs"
  "go|golang-go|the go snippet runs"
  "java|default-jdk-headless|the java snippet runs"
  "csharp|mono-mcs mono-runtime libmono-system-net-http4.0-cil|the csharp snippet runs"
)
check_php() { have php && php -m 2>/dev/null | grep -qx curl; }
# Debian has no .NET SDK package; Mono's C# compiler and runtime (with System.Net.Http) run the C# snippets.
check_csharp() { have dotnet || { have mcs && have mono; }; }
present() { if declare -F "check_$1" >/dev/null; then "check_$1"; else have "$1"; fi; }

why_not=""
if [ "$(id -u)" != 0 ]; then
  why_not="not root"
elif ! have apt-get; then
  why_not="no apt-get"
fi

updated=""
apt_update() {  # once, before the first install (in this shell, not in the $(...) that runs the install)
  if [ -z "$updated" ]; then
    apt-get update -qq >>"$LOG" 2>&1
    updated=yes
  fi
}
apt_install() {  # packages...; on failure prints apt's error and returns non-zero
  local output
  output=$(DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" 2>&1)
  local status=$?
  printf '%s\n' "$output" >>"$LOG"
  if [ $status -ne 0 ]; then
    printf '%s\n' "$output" | grep -E '^(E|W):' | tail -n 1 | grep . || printf '%s\n' "$output" | tail -n 1 | grep . || echo "apt-get exited $status"
    return 1
  fi
}

missing_count=0
for entry in "${TOOLCHAINS[@]}"; do
  IFS='|' read -r name packages skips <<<"$entry"
  if present "$name"; then
    line "$name" "present"
    continue
  fi
  if [ -n "$why_not" ]; then
    line "$name" "missing, not installed ($why_not: apt-get install $packages); $skips will skip"
    missing_count=$((missing_count + 1))
    continue
  fi
  printf 'install-toolchains: %-9s installing %s ... ' "$name" "$packages"
  apt_update
  # shellcheck disable=SC2086 # the package list splits into words on purpose
  if ! error=$(apt_install $packages); then
    echo "FAILED ($error); $skips will skip"
    missing_count=$((missing_count + 1))
  elif present "$name"; then
    echo "installed"
  else
    echo "FAILED (apt-get installed $packages, but $name is still missing); $skips will skip"
    missing_count=$((missing_count + 1))
  fi
done

if [ $missing_count -gt 0 ]; then
  echo "install-toolchains: $missing_count missing; the tests that need them skip and say why${updated:+ (apt-get output: $LOG)}"
fi
exit 0
