#!/usr/bin/env bash
# Installs what the tests need, builds, runs every test and prints one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

# System packages the tests use: libsrtp2 (SRTP interop), openssl (DTLS interop),
# DPDK (packet engine backend), iproute2 (network namespaces), ethtool (veth offloads in the
# DPDK af_packet test), postgresql (storage).
packages=(postgresql libsrtp2-1 openssl dpdk dpdk-dev libdpdk-dev pkg-config gcc iproute2 util-linux ethtool)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt_get() { if [ "$(id -u)" = 0 ]; then apt-get "$@"; else sudo apt-get "$@"; fi; }
  apt_get update -q || true
  apt_get install -y -q "${missing[@]}" || { apt_get --fix-broken install -y -q && apt_get install -y -q "${missing[@]}"; } || {
    echo "could not install: ${missing[*]}"; echo "0 passed, 1 failed"; exit 1; }
fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

echo "== build"
if ! dotnet build Meet.sln -c Release -nologo -v quiet; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

echo "== test"
dotnet test Meet.sln -c Release --no-build -nologo \
  --logger "trx" --results-directory "$results" --logger "console;verbosity=minimal"
status=$?

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
