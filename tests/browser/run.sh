#!/bin/sh
# run.sh JMD SOURCE_DIR — the browser test of jmd's HTML report (issue 5
# §3), run by ctest as `browser_report`.
#
# Writes the reports of examples/salvo.yaml (a single run, and a
# comparison of two models over two trials) into a scratch folder, then
# opens the comparison's report.html in the system's headless Chromium
# through report.test.js,
# expecting one threat track per threat of the run's summary.json and one
# model row per model. The screenshot goes to tests/browser/out/report.png.
#
# Exit status: 0 passed; 1 failed; 77 skipped (ctest's SKIP_RETURN_CODE):
# only when Chromium, node or tests/browser/node_modules is missing —
# scripts/deps.sh installs all three.
set -u
jmd=$1
src=$2
here=$src/tests/browser
chromium=${JMD_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  echo "SKIP: no Chromium at $chromium (Debian package chromium; scripts/deps.sh installs it)"
  exit 77
fi
if ! command -v node >/dev/null 2>&1; then
  echo "SKIP: no node (Debian packages nodejs npm; scripts/deps.sh installs them)"
  exit 77
fi
if [ ! -d "$here/node_modules/playwright-core" ]; then
  echo "SKIP: $here/node_modules lacks playwright-core (run: npm ci --prefix tests/browser, or scripts/deps.sh)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$jmd" run "$src/examples/salvo.yaml" --out "$tmp/single" --quiet || {
  echo "FAIL: jmd run examples/salvo.yaml --out DIR failed"; exit 1; }
"$jmd" run "$src/examples/salvo.yaml" --models independent,connected --trials 2 \
  --out "$tmp/compare" --quiet || {
  echo "FAIL: jmd run examples/salvo.yaml --models independent,connected failed"; exit 1; }

# the threats of the scenario, and the single run's model, from summary.json
threats=$(node -e 'const s=require(process.argv[1]); console.log(s.threats.length)' \
  "$tmp/single/summary.json") || { echo "FAIL: no threats in summary.json"; exit 1; }
# Both reports must exist; the comparison's (two model rows) is the one opened.
for d in single compare; do
  [ -f "$tmp/$d/report.html" ] || { echo "FAIL: jmd run --out DIR ($d) wrote no report.html"; exit 1; }
done
report=$tmp/compare/report.html
models=independent,connected
echo "report: $report ($threats threats; models $models)"
mkdir -p "$here/out"
exec node "$here/report.test.js" --report "$report" --threats "$threats" --models "$models" \
  --screenshot "$here/out/report.png"
