#!/usr/bin/env bash
# Regenerates the Firefox SDP fixtures (Debian firefox-esr, headless) with the meeting page's
# bundle policy, max-bundle. Not run by the tests: the .sdp files are committed. Same network rule
# as capture.sh: a fresh namespace with only loopback up.
set -euo pipefail
cd "$(dirname "$0")"
log=$(mktemp)
profile=$(mktemp -d)
trap 'rm -rf "$log" "$profile"' EXIT
# shared/TESTING.md: fake devices, no permission prompt, loopback candidates; console to stdout.
cat > "$profile/user.js" <<'PREFS'
user_pref("media.navigator.streams.fake", true);
user_pref("media.navigator.permission.disabled", true);
user_pref("media.peerconnection.ice.loopback", true);
user_pref("devtools.console.stdout.content", true);
user_pref("browser.shell.checkDefaultBrowser", false);
PREFS
unshare --net bash -c "ip link set lo up; timeout 60 /usr/bin/firefox-esr --headless --no-remote --profile $profile \
  'file://$PWD/capture.html?bundle=max-bundle&screen=0'" >"$log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do
  grep -q -e 'DONE' -e 'FAIL' "$log" && break
  sleep 1
done
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
grep -o 'FAIL.*' "$log" && exit 1
grep -o 'SDP [^ ]* [A-Za-z0-9+/=]*' "$log" | while read -r _ name b64; do
  echo "$b64" | base64 -d | sed 's/\r$//' > "firefox-$name.sdp"
  echo "wrote firefox-$name.sdp"
done
/usr/bin/firefox-esr --version > firefox-version.txt 2>/dev/null || true
