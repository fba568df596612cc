#!/bin/sh
# ddsperf_raw.sh [DOMAIN] [SECONDS] — Cyclone DDS alone, for comparison with
# bench/bench_dds.c: ddsperf (cyclonedds-tools) publishes 400-byte samples
# (topic KS, reliable, keep-all) as fast as it can in one process and
# subscribes in another, on loopback only: CYCLONEDDS_URI carries the same
# configuration as src/federate/dds.c builds in code (docs/federation.md,
# "Transport"), so nothing is sent but unicast to 127.0.0.1. Prints the
# subscriber's per-second lines and the median rate. Domain default 212
# (unused by the tests, which take 150..155); default 4 s.
set -eu
domain=${1:-212}
secs=${2:-4}
command -v ddsperf >/dev/null 2>&1 || { echo "ddsperf missing (apt-get install cyclonedds-tools)" >&2; exit 1; }
CYCLONEDDS_URI='<CycloneDDS xmlns="https://cdds.io/config"><Domain Id="any"><General><Interfaces><NetworkInterface name="lo"/></Interfaces><AllowMulticast>false</AllowMulticast></General><Discovery><ParticipantIndex>auto</ParticipantIndex><MaxAutoParticipantIndex>40</MaxAutoParticipantIndex><Peers><Peer address="127.0.0.1"/></Peers><LeaseDuration>2 s</LeaseDuration></Discovery></Domain></CycloneDDS>'
export CYCLONEDDS_URI
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# The subscriber first, so the publisher's first samples have a reader;
# -Qminmatch with initwait makes each wait for the other before starting.
ddsperf -i "$domain" -k all -D $((secs + 2)) -Qminmatch:1 -Qinitwait:10 sub waitset >"$out" 2>&1 &
sub=$!
ddsperf -i "$domain" -k all -D "$secs" -Qminmatch:1 -Qinitwait:10 pub size 400 >/dev/null 2>&1 || true
wait "$sub" || true
echo "ddsperf raw: 400-byte KS samples, reliable keep-all, loopback only, domain $domain, ${secs} s"
grep -E "size 400" "$out" || { echo "no subscriber statistics:"; cat "$out"; exit 1; }
# Lines look like "... size 400 total N lost 0 delta D npackets P rate R kS/s B Mb/s ...":
# the median of the per-second rates ignores the start-up and end seconds.
grep -E "size 400" "$out" | sed -n 's/.* rate \([0-9.]*\) kS\/s \([0-9.]*\) Mb\/s.*/\1 \2/p' |
  sort -n | awk '{ r[NR] = $1; b[NR] = $2 } END { if (NR) { m = int((NR + 1) / 2);
    printf "median %.0f samples/s, %.1f MB/s\n", r[m] * 1000, b[m] / 8 } }'
