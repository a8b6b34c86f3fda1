#!/usr/bin/env bash
# Regenerates the Chromium SDP fixtures. Not run by the tests: the .sdp files are committed.
# Runs Chromium in a fresh network namespace with only loopback up (TESTING.md network rule),
# so host candidates are 127.0.0.1 and nothing leaves the machine.
set -euo pipefail
cd "$(dirname "$0")"
log=$(mktemp)
profile=$(mktemp -d)
trap 'rm -rf "$log" "$profile"' EXIT
unshare --net bash -c "ip link set lo up; timeout 60 /usr/bin/chromium \
  --headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --use-fake-ui-for-media-stream --use-fake-device-for-media-stream \
  --allow-loopback-in-peer-connection --auto-select-desktop-capture-source=Entire \
  --user-data-dir=$profile --enable-logging=stderr --v=0 \
  file://$PWD/capture.html" 2>"$log" &
pid=$!
for _ in $(seq 1 60); do
  grep -q -e '"DONE"' -e '"FAIL' "$log" && break
  sleep 1
done
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
grep -o '"FAIL[^"]*"' "$log" && exit 1
grep -o '"SDP [^"]*"' "$log" | tr -d '"' | while read -r _ name b64; do
  echo "$b64" | base64 -d | sed 's/\r$//' > "chrome-$name.sdp"
  echo "wrote chrome-$name.sdp"
done
/usr/bin/chromium --version > chrome-version.txt 2>/dev/null || true
