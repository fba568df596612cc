#!/bin/sh
# tests/fed/run.sh — the federated system's multi-process tests on loopback
# (docs/federation.md), one ctest entry per case, each on a DDS domain of
# its own so that cases running in parallel never see each other:
#   sh run.sh JMD ATTACKER SRCDIR DOMAIN CASE
# CASE:
#   identity  every model: `jmd federate` (world + one node process per
#             party) gives byte-identical events.jsonl and summary.json to
#             `jmd run`, and every ledger verifies alone and against the other;
#             also with a salvo that crosses several proposals and votes in
#             one step (tests/fed/salvo-two-party.yaml)
#   restart   a node killed with SIGKILL in the middle of a step (its
#             messages out, its ledger not committed) restarts with --resume
#             from its ledger: the run's events and summary are those of an
#             undisturbed run, nothing is lost or duplicated (the ledgers
#             verify and cross-check), the restart is on the record
#   attack    a hostile participant replays, tampers with and forges
#             messages into a node's partition, and sends some in the name
#             of a party that does not exist and of the victim itself: each
#             is refused and recorded, and the run's result is unchanged
#   outage    the link between the parties is down for 150 s while they
#             decide (tests/scenarios/good/outage-joint.yaml): under both
#             timeout policies (hold, proceed) the federated run gives what
#             jmd run gives (tests/test_outage.c checks what that is), and
#             both nodes record the outage in their ledgers
#   tamper    a node's ledger is truncated while the node is down (killed in
#             step 600, its last 600-odd entries and the checkpoints over
#             them deleted, as an insider covering tracks would): it resumes
#             from what is left and the run still completes with the
#             undisturbed result, but its peer refuses to cosign its next
#             checkpoints (they do not extend what it cosigned) and records
#             that, and jmd verify --peer says the history was rewritten
#   approvals under joint, the Russian node's approval signatures do not
#             verify (fault injection): NATO counts none of its approvals,
#             so none of NATO's rounds needing Russia's consent is fired
#             (the in-process run fires some), and NATO says why
#   ledger    a ledger edited or truncated behind its owner's back is caught
#             by jmd verify (alone for an edit, with --peer for a truncation),
#             which names the first bad entry; the untouched ledgers verify
# Every process this script starts is its own child, ended by PID.
set -u
JMD=$1
ATTACKER=$2
SRC=$3
DOMAIN=$4
CASE=$5
SC=$SRC/tests/fed/two-party.yaml
# The run tag in every topic name: this case, this invocation (two test
# runs on one machine, on the same domain, never share a topic).
TAG=$CASE$$
T=$(mktemp -d /tmp/jmd-fed-XXXXXX)
pids=""
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null; done
  rm -rf "$T"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

same() { # $1 federated dir, $2 reference dir
  cmp "$1/events.jsonl" "$2/events.jsonl" || fail "$1: events.jsonl differs from jmd run"
  cmp "$1/summary.json" "$2/summary.json" || fail "$1: summary.json differs from jmd run"
}

keys() { # the two parties' keys and a federation file in $T
  { echo "jmd-federation 1"; echo "domain $DOMAIN"
    "$JMD" keygen --party NATO --out "$T/NATO.key"
    "$JMD" keygen --party Russia --out "$T/Russia.key"; } > "$T/fed.txt" || fail keygen
}

start_world() { # $1 model; sets $world
  "$JMD" world "$SC" --federation "$T/fed.txt" --run "$TAG" --model "$1" --out "$T/world" \
    --quiet --timeout 60 > "$T/world.txt" 2>&1 &
  world=$!
  pids="$pids $world"
}

finish() { # waits for $nato, $ru and $world, which must all succeed
  wait "$ru" || { cat "$T/Russia.out"; fail "the Russian node failed"; }
  wait "$nato" || { cat "$T/NATO.out"; fail "the NATO node failed"; }
  wait "$world" || { cat "$T/world.txt"; fail "the world failed"; }
  pids=""
}

start_node() { # $1 party, rest: extra flags; sets $last
  party=$1; shift
  "$JMD" node "$SC" --party "$party" --key "$T/$party.key" --federation "$T/fed.txt" \
    --ledger "$T/$party.ledger" --run "$TAG" --timeout 60 "$@" >> "$T/$party.out" 2>&1 &
  last=$!
  pids="$pids $last"
}

both_ways() { # $1 scenario, $2 label, rest: flags; jmd run and jmd federate
  # into $T/run-$2 and $T/fed-$2, which must be byte-identical
  sc=$1 label=$2
  shift 2
  "$JMD" run "$sc" "$@" --out "$T/run-$label" --quiet || fail "jmd run $label"
  "$JMD" federate "$sc" "$@" --domain "$DOMAIN" --out "$T/fed-$label" --timeout 60 \
    > "$T/fed-$label.txt" 2>&1 || { cat "$T/fed-$label.txt" "$T/fed-$label"/*.out; fail "federate $label"; }
  same "$T/fed-$label" "$T/run-$label"
}

killed() { # $1 party, $2 its PID: it must have died of SIGKILL (exit 137)
  wait "$2"
  st=$?
  [ "$st" -eq 137 ] || { cat "$T/$1.out"; fail "the $1 node was to die of SIGKILL (137), exit $st"; }
}

case $CASE in
identity)
  for m in independent early-warning connected joint sectoral; do
    both_ways "$SC" "$m" --model $m
    grep -q "Cross-checked" "$T/fed-$m.txt" || fail "$m: the ledgers were not cross-checked"
    echo "ok $m: federated = in-process"
  done
  # several proposals and votes crossing in one step (a salvo of four)
  S2=$SRC/tests/fed/salvo-two-party.yaml
  for m in joint connected; do
    both_ways "$S2" "salvo-$m" --model $m
    echo "ok salvo $m: federated = in-process"
  done
  ;;
restart)
  keys
  m=joint
  "$JMD" run "$SC" --model $m --out "$T/run" --quiet || fail "jmd run"
  start_world $m
  start_node NATO
  nato=$last
  start_node Russia --fault-crash-step 400
  ru=$last
  killed Russia "$ru"
  [ -f "$T/Russia.ledger" ] || fail "no ledger left by the killed node"
  start_node Russia --resume
  ru=$last
  finish
  same "$T/world" "$T/run"
  "$JMD" verify "$T/Russia.ledger" --peer "$T/NATO.ledger" > "$T/v1.txt" 2>&1 ||
    { cat "$T/v1.txt"; fail "the restarted node's ledger does not verify"; }
  "$JMD" verify "$T/NATO.ledger" --peer "$T/Russia.ledger" > "$T/v2.txt" 2>&1 ||
    { cat "$T/v2.txt"; fail "the NATO ledger does not verify against the restarted one"; }
  grep -q "resumed from the ledger at step 400" "$T/Russia.out" ||
    { cat "$T/Russia.out"; fail "the node did not resume at step 400"; }
  echo "ok restart: killed at step 400, resumed, same result; ledgers verify"
  ;;
attack)
  keys
  m=connected
  "$JMD" run "$SC" --model $m --out "$T/run" --quiet || fail "jmd run"
  "$ATTACKER" inject "$DOMAIN" "$TAG" 2 1 0 > "$T/attacker.txt" 2>&1 &
  att=$!
  pids="$pids $att"
  start_world $m
  start_node NATO
  nato=$last
  start_node Russia
  ru=$last
  wait "$att" || { cat "$T/attacker.txt"; fail "the attacker could not inject"; }
  finish
  same "$T/world" "$T/run"
  cat "$T/Russia.out"
  grep -q "refused: replayed or out of order" "$T/Russia.out" || fail "the replay was not refused"
  n=$(grep -c "refused: authentication failed" "$T/Russia.out")
  [ "$n" -ge 3 ] || fail "tampered and forged messages: $n of 3 refused for authentication"
  n=$(grep -c "refused: malformed frame.*sender\|refused: unknown sender" "$T/Russia.out")
  [ "$n" -ge 2 ] || fail "messages from unknown senders: $n of 2 refused"
  "$JMD" verify "$T/Russia.ledger" --peer "$T/NATO.ledger" > "$T/v.txt" 2>&1 ||
    { cat "$T/v.txt"; fail "the attacked node's ledger does not verify"; }
  echo "ok attack: replay, tampering and forgeries refused and recorded; same result"
  ;;
outage)
  for pol in hold proceed; do
    sed "s/on_timeout: hold/on_timeout: $pol/" "$SRC/tests/scenarios/good/outage-joint.yaml" \
      > "$T/outage-$pol.yaml"
    both_ways "$T/outage-$pol.yaml" "$pol"
    for p in NATO Russia; do
      grep -q "recorded: link NATO>Russia down at 250.000 s until 400.000 s" "$T/fed-$pol/$p.out" &&
        grep -q "recorded: link Russia>NATO up again at 400.000 s" "$T/fed-$pol/$p.out" ||
        { cat "$T/fed-$pol/$p.out"; fail "$pol: $p did not record the outage"; }
    done
    echo "ok outage ($pol): federated = in-process, outage in both ledgers"
  done
  ;;
tamper)
  keys
  m=joint
  "$JMD" run "$SC" --model $m --out "$T/run" --quiet || fail "jmd run"
  start_world $m
  start_node Russia
  ru=$last
  start_node NATO --fault-crash-step 600
  nato=$last
  killed NATO "$nato"
  "$ATTACKER" truncate "$T/NATO.ledger" 1000 || fail "could not truncate"
  start_node NATO --resume
  nato=$last
  finish
  same "$T/world" "$T/run"
  grep -q "refused: checkpoint of party 0 at size [0-9]* not cosigned" "$T/Russia.out" ||
    { cat "$T/Russia.out"; fail "the peer cosigned a rewritten history"; }
  "$JMD" verify "$T/NATO.ledger" --peer "$T/Russia.ledger" > "$T/v.txt" 2>&1
  st=$?
  cat "$T/v.txt"
  [ "$st" -eq 1 ] && grep -q "history was rewritten" "$T/v.txt" ||
    fail "jmd verify --peer did not catch the rewritten ledger (exit $st)"
  echo "ok tamper: the peer refused to cosign the rewritten ledger; verify caught it"
  ;;
approvals)
  keys
  m=joint
  "$JMD" run "$SC" --model $m --out "$T/run" --quiet || fail "jmd run"
  start_world $m
  start_node NATO
  nato=$last
  start_node Russia --fault-bad-approvals
  ru=$last
  finish
  cat "$T/NATO.out"
  before=$(grep '"interceptor_order"' "$T/run/events.jsonl" | grep -c '"party":"NATO"')
  after=$(grep '"interceptor_order"' "$T/world/events.jsonl" | grep -c '"party":"NATO"')
  [ "$before" -gt 0 ] || fail "the in-process run has no NATO round to refuse"
  [ "$after" -eq 0 ] || fail "NATO fired $after rounds on approvals that do not verify"
  grep -q "approvals refused for a missing or bad signature: [1-9]" "$T/NATO.out" ||
    fail "NATO did not report the refused approvals"
  echo "ok approvals: $before NATO rounds in process, $after without valid approvals"
  ;;
ledger)
  "$JMD" federate "$SC" --model joint --domain "$DOMAIN" --out "$T/f" --quiet --timeout 60 \
    > "$T/f.txt" 2>&1 || { cat "$T/f.txt"; fail "federate"; }
  L=$T/f/Russia.ledger
  P=$T/f/NATO.ledger
  "$JMD" verify "$L" --peer "$P" > "$T/v0.txt" 2>&1 || { cat "$T/v0.txt"; fail "clean ledger"; }
  # an edited entry: caught alone, named
  cp "$L" "$T/edit.ledger"
  "$ATTACKER" edit "$T/edit.ledger" 100 || fail "could not edit"
  "$JMD" verify "$T/edit.ledger" > "$T/v1.txt" 2>&1
  st=$?
  cat "$T/v1.txt"
  [ "$st" -eq 1 ] || fail "an edited ledger: verify exit $st, expected 1"
  grep -q "100" "$T/v1.txt" || fail "verify did not name entry 100"
  # a changed sequence number
  cp "$L" "$T/reseq.ledger"
  "$ATTACKER" reseq "$T/reseq.ledger" 57 || fail "could not edit"
  "$JMD" verify "$T/reseq.ledger" > "$T/v2.txt" 2>&1
  st=$?
  [ "$st" -eq 1 ] || { cat "$T/v2.txt"; fail "a re-sequenced entry: verify exit $st, expected 1"; }
  # a truncated ledger: its checkpoints are gone with it, the peer's
  # cosignatures are not
  cp "$L" "$T/trunc.ledger"
  n=$("$JMD" verify "$L" | sed -n 's/.* \([0-9][0-9]*\) entries.*/\1/p' | head -1)
  "$ATTACKER" truncate "$T/trunc.ledger" 200 || fail "could not truncate"
  "$JMD" verify "$T/trunc.ledger" --peer "$P" > "$T/v3.txt" 2>&1
  st=$?
  cat "$T/v3.txt"
  [ "$st" -eq 1 ] || fail "a truncated ledger: verify --peer exit $st, expected 1"
  echo "ok ledger: edit, re-sequencing and truncation caught (log of $n entries)"
  ;;
*)
  fail "unknown case $CASE"
  ;;
esac
exit 0
