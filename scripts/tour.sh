#!/bin/sh
# tour.sh JMD — the main job: the comparison of the cooperation models on
# the flagship example (NATO and Russia against a shared threat), after a
# short tour of the analyst commands on real city pairs and one simulated
# raid (README "A quick tour"). TOUR_TRIALS sets the comparison's trials.
# Positions (deg): Moscow 55.75,37.62; Washington 38.90,-77.04; Tehran
# 35.69,51.39; Tabriz 38.08,46.29; Ankara 39.93,32.86; Bucharest 44.43,26.10;
# Plesetsk 62.93,40.58; sites from shared/reference §2: Deveselu 44.08,24.40;
# Redzikowo 54.48,17.10.
set -eu
jmd=$1
out=${TOUR_OUT:-out/tour}
mkdir -p "$out"
step() {
  printf '\n$ jmd %s\n' "$*"
  "$jmd" "$@"
}
"$jmd" --version
step geodesic --from 55.75,37.62 --to 38.90,-77.04
step trajectory --from 35.69,51.39 --to 44.43,26.10
step trajectory --from 38.08,46.29 --to 39.93,32.86 --vehicle mrbm-liquid
step trajectory --from 62.93,40.58 --to 38.90,-77.04 --vehicle icbm-solid --csv "$out/icbm.csv"
step reach --site 44.08,24.40 --interceptor sm3-block-ib \
  --threat-from 35.69,51.39 --threat-to 44.43,26.10 --threat-vehicle irbm-solid --commit-delay 240
# The question at the heart of the debate, with the two published speed
# estimates for a two-stage interceptor in Poland (MDA vs Postol, 2007).
for ic in sm3-block-iia gbi-2stage-mda gbi-2stage-postol; do
  step reach --site 54.48,17.10 --interceptor "$ic" \
    --threat-from 62.93,40.58 --threat-to 38.90,-77.04 --threat-vehicle icbm-solid --commit-delay 120
done
step catalogue
# The simulated world, end to end: a salvo of twelve against two sites.
step run examples/salvo.yaml --out "$out/salvo"
# Trust: can NATO's European sites reach Russia's strategic deterrent?
step assure examples/europe-transparency.yaml --deterrent Russia --out "$out/assure"
# The federated system: NATO's and Russia's nodes as processes of their
# own over Cyclone DDS (loopback), every message signed or MACed, each
# party's signed Merkle ledger, then both ledgers verified and
# cross-checked; the result is the one jmd run gives (docs/federation.md).
rm -rf "$out/federation"
step federate examples/europe-shared-threat.yaml --model connected --out "$out/federation" --quiet
# The main job: every cooperation model on the same world, common random
# numbers, Monte Carlo with 95 % intervals.
threads=$(nproc 2>/dev/null || echo 1)
step run examples/europe-shared-threat.yaml --models all --trials "${TOUR_TRIALS:-10}" \
  --threads "$threads" --out "$out/europe"
