#!/usr/bin/env bash
# Builds the DPDK shim: build.sh <meet_dpdk.c> <output libmeet_dpdk.so>
# Without libdpdk-dev (or pkg-config/gcc) it explains and exits 0: the Sockets backend does not
# need the shim, and PacketEngine:Backend=Dpdk then fails at start-up with a message naming it.
set -euo pipefail
source=$1
output=$2
missing=()
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if [ ${#missing[@]} -eq 0 ] && ! pkg-config --exists libdpdk; then missing+=(libdpdk-dev); fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "meet_dpdk: skipping the DPDK shim (libmeet_dpdk.so): ${missing[*]} not installed." \
       "The Sockets backend is unaffected; for PacketEngine:Backend=Dpdk run: apt-get install ${missing[*]}"
  exit 0
fi
mkdir -p "$(dirname "$output")"
# shellcheck disable=SC2046
gcc -O2 -shared -fPIC -Wall -Wextra -Werror -o "$output.tmp" "$source" $(pkg-config --cflags --libs libdpdk)
mv -f "$output.tmp" "$output"
echo "meet_dpdk: built $output (DPDK $(pkg-config --modversion libdpdk))"
