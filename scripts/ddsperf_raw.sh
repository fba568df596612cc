#!/bin/sh
# ddsperf_raw.sh [DOMAIN] [SECONDS] [batch] — Cyclone DDS alone, for
# comparison with bench/bench_dds.c and bench/bench_fed.c
# (scripts/bench_fed.sh runs them together): ddsperf (cyclonedds-tools)
# publishes 400-byte samples (topic KS, reliable, keep-all) as fast as it
# can in one process and subscribes in another, on loopback only:
# CYCLONEDDS_URI carries the loopback configuration src/federate/dds.c
# builds in code (docs/federation.md, "Transport"), so nothing is sent but
# unicast to 127.0.0.1. Without "batch" it leaves out dds.c's transport
# settings (<Internal><WriteBatch> and 64 kB datagrams: Cyclone's
# defaults, one packet per sample, the plain raw figure); with "batch" it
# sets them too (ddsperf's publisher then packs samples into datagrams as
# jmd's writers do). Prints the subscriber's per-second
# lines and the median rate. Domain default 212 (unused by the tests, which
# take 150..155); default 4 s.
set -eu
domain=${1:-212}
secs=${2:-4}
batch=
[ "${3:-}" = batch ] && batch='<Internal><WriteBatch>true</WriteBatch></Internal>'
general=
[ "${3:-}" = batch ] && general='<MaxMessageSize>65000B</MaxMessageSize><FragmentSize>62000B</FragmentSize>'
command -v ddsperf >/dev/null 2>&1 || { echo "ddsperf missing (apt-get install cyclonedds-tools)" >&2; exit 1; }
CYCLONEDDS_URI='<CycloneDDS xmlns="https://cdds.io/config"><Domain Id="any"><General><Interfaces><NetworkInterface name="lo"/></Interfaces><AllowMulticast>false</AllowMulticast>'"$general"'</General><Discovery><ParticipantIndex>auto</ParticipantIndex><MaxAutoParticipantIndex>40</MaxAutoParticipantIndex><Peers><Peer address="127.0.0.1"/></Peers><LeaseDuration>2 s</LeaseDuration></Discovery>'"$batch"'</Domain></CycloneDDS>'
export CYCLONEDDS_URI
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# The subscriber first, so the publisher's first samples have a reader;
# -Qminmatch with initwait makes each wait for the other before starting.
ddsperf -i "$domain" -k all -D $((secs + 2)) -Qminmatch:1 -Qinitwait:10 sub waitset >"$out" 2>&1 &
sub=$!
ddsperf -i "$domain" -k all -D "$secs" -Qminmatch:1 -Qinitwait:10 pub size 400 >/dev/null 2>&1 || true
wait "$sub" || true
echo "ddsperf raw${batch:+ (WriteBatch, 64 kB datagrams)}: 400-byte KS samples, reliable keep-all, loopback only, domain $domain, ${secs} s"
grep -E "size 400" "$out" || { echo "no subscriber statistics:"; cat "$out"; exit 1; }
# Lines look like "... size 400 total N lost 0 delta D npackets P rate R kS/s B Mb/s ...":
# the median of the per-second rates, leaving out the seconds below a tenth
# of the best (the last line covers the publisher's stop: a few samples).
grep -E "size 400" "$out" | sed -n 's/.* rate \([0-9.]*\) kS\/s \([0-9.]*\) Mb\/s.*/\1 \2/p' |
  sort -n | awk '{ r[NR] = $1; b[NR] = $2 } END {
    if (!NR) exit; lo = 1; while (lo < NR && r[lo] < r[NR] / 10) lo++;
    m = lo + int((NR - lo) / 2);
    printf "median %.0f samples/s, %.1f MB/s (%d of %d seconds)\n", r[m] * 1000, b[m] / 8,
           NR - lo + 1, NR }'
