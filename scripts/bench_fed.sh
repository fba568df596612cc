#!/bin/sh
# bench_fed.sh [BUILD_DIR] [SECONDS] [ROUNDS] — node-to-node messaging with
# authentication and logging (bench/bench_fed.c) beside Cyclone DDS alone
# (scripts/ddsperf_raw.sh, 400-byte samples), in one run on this machine.
#
# The machine may be shared and its speed moves by a factor of two within
# an hour (ddsperf alone: 157 k to 604 k samples/s), so one ratio of two
# figures taken minutes apart says little. The runs are interleaved
# instead: raw ddsperf (Cyclone's defaults, then with jmd's transport
# settings: WriteBatch, 64 kB datagrams), then bench_fed's MAC variant
# (JMD_BENCH_FED_QUICK=1), then raw again, ROUNDS times (default 3), and
# each bench_fed figure is set against the raw figures taken just before
# and just after it: against the better plain ddsperf of the two (the
# issue's figure: ddsperf, 400-byte samples, Cyclone's defaults), against
# the best of all four (ddsperf tuned with jmd's settings included: the
# strictest), and against the lower plain one. Then one
# full bench_fed run for the stages, the Ed25519 variant and the round
# trips. Loopback only; DDS domains 214 (ddsperf) and 213 (bench_fed).
# BUILD_DIR defaults to build, SECONDS (measured per phase) to 3. Prints
# figures; asserts nothing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
secs=${2:-3}
rounds=${3:-3}
bench="$build/bench/bench_fed"
[ -x "$bench" ] || { echo "bench_fed.sh: $bench missing (ninja -C $build bench_fed)" >&2; exit 1; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT

raw_rate() { # the median samples/s line of ddsperf_raw.sh's output on stdin
  sed -n 's/^median \([0-9]*\) samples\/s.*/\1/p'
}
fed_rate() { # the first "sustained" figure of bench_fed's output on stdin
  sed -n 's/^  sustained \([0-9]*\) messages\/s.*/\1/p' | head -n 1
}
# raw plain and with jmd's settings, printed; sets $plain and $batch
raw_pair() {
  sh "$here/ddsperf_raw.sh" 214 "$secs" >"$out" || true
  plain=$(raw_rate <"$out")
  sh "$here/ddsperf_raw.sh" 214 "$secs" batch >"$out" || true
  batch=$(raw_rate <"$out")
  echo "ddsperf raw 400 B: ${plain:-?} samples/s (Cyclone's defaults), ${batch:-?} (jmd's settings)"
}

echo "== load before: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min), $(nproc) CPUs"
echo "== $rounds rounds: ddsperf, bench_fed (MAC + log), ddsperf; ${secs} s each"
raw_pair
p0=${plain:-0}
b0=${batch:-0}
ratios=""
strict=""
feds=""
raws="$p0 $b0"
i=1
while [ "$i" -le "$rounds" ]; do
  JMD_BENCH_FED_QUICK=1 JMD_BENCH_FED_DOMAIN=213 JMD_BENCH_FED_SECONDS="$secs" "$bench" >"$out" || true
  fed=$(fed_rate <"$out")
  echo "bench_fed MAC + log, round $i: ${fed:-?} messages/s"
  raw_pair
  p1=${plain:-0}
  b1=${batch:-0}
  raws="$raws $p1 $b1"
  if [ -n "$fed" ]; then
    feds="$feds $fed"
    r=$(awk -v f="$fed" -v a="$p0" -v b="$b0" -v c="$p1" -v d="$b1" 'BEGIN {
      hp = a > c ? a : c;
      hi = hp; if (b > hi) hi = b; if (d > hi) hi = d;
      lo = a; if (c > 0 && (lo == 0 || c < lo)) lo = c;
      if (hi > 0 && lo > 0) printf "%.1f %.1f %.1f", 100 * f / hp, 100 * f / hi, 100 * f / lo }')
    if [ -n "$r" ]; then
      set -- $r
      echo "  round $i: $fed against raw ${p0}/${b0} before and ${p1}/${b1} after (plain/jmd's settings): $1 % of the better plain, $2 % of the best of the four, $3 % of the lower plain"
      ratios="$ratios $1"
      strict="$strict $2"
    fi
  fi
  p0=$p1
  b0=$b1
  i=$((i + 1))
done
echo "== bench_fed, full run"
JMD_BENCH_FED_DOMAIN=213 JMD_BENCH_FED_SECONDS="$secs" "$bench" | tee "$out"
sig=$(sed -n 's/^  sustained \([0-9]*\) messages\/s.*/\1/p' "$out" | sed -n 2p)
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
median() {
  echo "$@" | tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}
range() {
  echo "$@" | tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[1] " .. " v[NR] }'
}
echo "== summary"
echo "raw ddsperf 400 B (all $((2 * rounds + 2)) runs)   $(range $raws) samples/s"
echo "bench_fed MAC + log (rounds)    $(range $feds) messages/s, median $(median $feds)"
echo "bench_fed Ed25519 + log         ${sig:-?} messages/s"
echo "ratio to the better plain ddsperf beside it, per round:$ratios %  (median $(median $ratios) %; goal >= 50 %)"
echo "ratio to the best of the four (jmd's settings included):$strict %  (median $(median $strict) %)"
