#!/usr/bin/env bash
# Installs what the tests need, builds, runs every test and prints one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

# System packages the tests use: libsrtp2 (SRTP interop), openssl (DTLS interop),
# redis-server (the signaling cluster tests), DPDK (packet engine backend), iproute2 (network namespaces), ethtool (veth offloads in the
# DPDK af_packet test), postgresql (storage), chromium and firefox-esr (browser tests in a network
# namespace), coturn (the TURN relay test), ffmpeg (clips the .NET client publishes), afl++ (the short
# coverage-guided run of every fuzz target, FuzzRegressionTests), libopus0 (the audio mixer's codec).
packages=(postgresql redis-server libsrtp2-1 libopus0 openssl dpdk dpdk-dev libdpdk-dev pkg-config gcc iproute2 util-linux ethtool chromium firefox-esr coturn ffmpeg afl++)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# Node.js + npm build the web client (Meet.Host/ClientApp, Vite 7 needs Node >= 20.19); a machine
# whose nodejs package already ships npm must not get Debian's separate npm package.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v node >/dev/null 2>&1 && ! command -v npm >/dev/null 2>&1 && missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt_get() { if [ "$(id -u)" = 0 ]; then apt-get "$@"; else sudo apt-get "$@"; fi; }
  apt_get update -q || true
  apt_get install -y -q "${missing[@]}" || { apt_get --fix-broken install -y -q && apt_get install -y -q "${missing[@]}"; } || {
    echo "could not install: ${missing[*]}"; echo "0 passed, 1 failed"; exit 1; }
fi

results=$(mktemp -d)
pgroot=""
stop_postgres() {
  if [ -n "$pgroot" ] && [ -d "$pgroot/pg/data" ]; then
    as_postgres /usr/lib/postgresql/15/bin/pg_ctl -D "$pgroot/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  [ -n "$pgroot" ] && rm -rf "$pgroot"
}
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
trap 'stop_postgres; rm -rf "$results"' EXIT

# A throwaway PostgreSQL for the storage tests (shared/TESTING.md): the tests read its connection
# string from MEET_TEST_POSTGRES (without it they start their own).
start_postgres() {
  local pgbin=/usr/lib/postgresql/15/bin port
  pgroot=$(mktemp -d); chmod 755 "$pgroot"; mkdir "$pgroot/pg"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$pgroot/pg"
  as_postgres $pgbin/initdb -D "$pgroot/pg/data" -U postgres -A trust -E UTF8 --no-sync >/dev/null || return 1
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 55432)
  as_postgres $pgbin/pg_ctl -D "$pgroot/pg/data" -l "$pgroot/pg/log" -w -t 30 \
    -o "-p $port -k $pgroot/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" \
    start >/dev/null || return 1
  export MEET_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Pooling=false"
}

echo "== build"
if ! dotnet build Meet.sln -c Release -nologo -v quiet; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

echo "== postgres"
if ! start_postgres; then
  echo "could not start PostgreSQL"
  echo "0 passed, 1 failed"
  exit 1
fi

echo "== test"
dotnet test Meet.sln -c Release --no-build -nologo --filter "TestCategory!=Browser" \
  --logger "trx;LogFileName=main.trx" --results-directory "$results" --logger "console;verbosity=minimal"
status=$?

# Browser tests (Chromium, Playwright) in a fresh loopback-only network namespace: WebRTC in
# Chromium uses loopback only when it is the only network (shared/TESTING.md). Already built above:
# nothing inside the namespace can reach a registry.
echo "== browser tests (loopback-only network namespace)"
# The default route through lo (source 127.0.0.1) lets Firefox find its default address; nothing can
# leave a namespace that has no other interface (docs/interop.md).
# The namespace has its own loopback: the PostgreSQL started above is out of its reach, so a browser test
# that needs one starts its own inside (PostgresServer without MEET_TEST_POSTGRES).
unshare --net env -u MEET_TEST_POSTGRES bash -c 'ip link set lo up && ip route add default dev lo src 127.0.0.1 && exec dotnet test Meet.sln -c Release --no-build -nologo --filter "TestCategory=Browser" \
  --logger "trx;LogFileName=browser.trx" --results-directory "$0" --logger "console;verbosity=minimal"' "$results"
browser_status=$?
[ "$status" -eq 0 ] && status=$browser_status

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
