#!/bin/sh
# run_cases.sh JMD CASEDIR — runs every CASEDIR/*.case against the jmd
# binary. A case file holds lines:
#   args: ARGS...          the command line (shell words, after "jmd")
#   status: N              the expected exit status
#   stderr: TEXT           TEXT must appear in standard error (repeatable)
#   stdout: TEXT           TEXT must appear in standard output (repeatable)
#   stderr-lines: N        standard error must have exactly N lines
# Lines starting with # are comments. Fails listing every case that failed.
set -u
jmd=$1
dir=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# Cases may name fixture files as $CASEDIR/../fixtures/NAME.
CASEDIR=$(cd "$dir" && pwd)
export CASEDIR
n=0
for c in "$dir"/*.case; do
  n=$((n + 1))
  args=$(sed -n 's/^args: //p' "$c")
  want=$(sed -n 's/^status: //p' "$c")
  (cd "$tmp" && eval "\"$jmd\" $args" >"$tmp/out" 2>"$tmp/err" </dev/null)
  got=$?
  bad=""
  [ "$got" = "$want" ] || bad="status $got, expected $want"
  while IFS= read -r line; do
    case "$line" in
      "stderr: "*) t=${line#stderr: }; grep -qF -- "$t" "$tmp/err" || bad="$bad; stderr lacks [$t]";;
      "stdout: "*) t=${line#stdout: }; grep -qF -- "$t" "$tmp/out" || bad="$bad; stdout lacks [$t]";;
      "stderr-lines: "*) t=${line#stderr-lines: }; l=$(wc -l <"$tmp/err"); [ "$l" -eq "$t" ] || bad="$bad; stderr has $l lines, expected $t";;
    esac
  done <"$c"
  if [ -n "$bad" ]; then
    fail=$((fail + 1))
    echo "FAIL $(basename "$c"): $bad"
    echo "  args: $args"; sed 's/^/  stderr| /' "$tmp/err" | head -5; sed 's/^/  stdout| /' "$tmp/out" | head -5
  fi
done
echo "$n cases, $fail failed"
[ "$fail" -eq 0 ]
