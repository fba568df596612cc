#!/bin/sh
# bench_fed.sh [BUILD_DIR] [SECONDS] — node-to-node messaging with
# authentication and logging (bench/bench_fed.c) beside Cyclone DDS alone
# (scripts/ddsperf_raw.sh, 400-byte samples), in one run on this machine:
# ddsperf, then bench_fed three times (the median run counts), then
# ddsperf again (the machine may be shared, so the raw figure is taken on
# both sides of ours), ddsperf once more with
# jmd's transport settings (WriteBatch, 64 kB datagrams), then the ratio of
# bench_fed's sustained MAC-per-message rate to the raw medians: the low end
# against the best raw figure of the run, the high end against the plain
# raw figure that is lower. Loopback
# only; DDS domains 214 (ddsperf) and 213 (bench_fed). BUILD_DIR defaults
# to build, SECONDS (measured per phase) to 3. Prints figures; asserts
# nothing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
secs=${2:-3}
bench="$build/bench/bench_fed"
[ -x "$bench" ] || { echo "bench_fed.sh: $bench missing (ninja -C $build bench_fed)" >&2; exit 1; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT

raw_rate() { # the median samples/s line of ddsperf_raw.sh's output on stdin
  sed -n 's/^median \([0-9]*\) samples\/s.*/\1/p'
}

echo "== load before: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min), $(nproc) CPUs"
sh "$here/ddsperf_raw.sh" 214 "$secs" >"$out"
cat "$out"
raw1=$(raw_rate <"$out")
# bench_fed three times: a shared machine's figures move by +-15 % from
# one run to the next, so the median run's is the one compared.
fedall=""
sigall=""
for run in 1 2 3; do
  echo "== bench_fed, run $run of 3"
  JMD_BENCH_FED_DOMAIN=213 JMD_BENCH_FED_SECONDS="$secs" "$bench" | tee "$out"
  fedall="$fedall $(sed -n 's/^  sustained \([0-9]*\) messages\/s.*/\1/p' "$out" | head -n 1)"
  sigall="$sigall $(sed -n 's/^  sustained \([0-9]*\) messages\/s.*/\1/p' "$out" | sed -n 2p)"
done
# The middle one of the figures given (the lower middle of an even count,
# when a run printed none).
median3() {
  echo "$@" | tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}
fed=$(median3 $fedall)
sig=$(median3 $sigall)
sh "$here/ddsperf_raw.sh" 214 "$secs" >"$out"
cat "$out"
raw2=$(raw_rate <"$out")
sh "$here/ddsperf_raw.sh" 214 "$secs" batch >"$out"
cat "$out"
rawb=$(raw_rate <"$out")
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== summary (messages or samples per second)"
echo "raw ddsperf 400 B        before ${raw1:-?}  after ${raw2:-?}  (with jmd's settings: ${rawb:-?})"
echo "bench_fed MAC + log      ${fed:-?}  (median of:$fedall)"
echo "bench_fed Ed25519 + log  ${sig:-?}  (median of:$sigall)"
if [ -n "${raw1:-}" ] && [ -n "${raw2:-}" ] && [ -n "${fed:-}" ]; then
  awk -v f="$fed" -v a="$raw1" -v b="$raw2" -v c="${rawb:-0}" 'BEGIN {
    lo = a < b ? a : b; hi = a < b ? b : a; if (c > hi) hi = c;
    if (lo > 0) printf "ratio bench_fed MAC / raw: %.1f %% .. %.1f %% (goal >= 50 %%)\n",
                       100 * f / hi, 100 * f / lo }'
fi
