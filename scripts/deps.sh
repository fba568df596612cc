#!/bin/sh
# deps.sh — make sure the Debian packages jmd builds and tests with are
# installed. As root it installs what is missing (quietly, no recommends);
# otherwise it prints the exact apt-get line and fails. Idempotent: when
# everything is present it only runs dpkg-query (well under a second).
set -eu
PKGS="build-essential pkg-config cmake ninja-build libgsl-dev libproj-dev libfyaml-dev libcmocka-dev libsqlite3-dev libsodium-dev libssl-dev libcjson-dev cyclonedds-dev cyclonedds-tools chromium"
missing=""
for p in $PKGS; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
# node and npm for the browser test: Debian's only when there is none (a
# NodeSource nodejs bundles npm and conflicts with Debian's npm package).
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
if [ -n "$missing" ]; then
  line="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends$missing"
  if [ "$(id -u)" -ne 0 ]; then
    echo "jmd: missing Debian packages:$missing" >&2
    echo "jmd: run as root:  $line" >&2
    exit 1
  fi
  echo "jmd: installing$missing" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# playwright-core for the browser test, pinned by tests/browser/package-lock.json
# (it drives /usr/bin/chromium; it never downloads a browser).
browser=$(cd "$(dirname "$0")/.." && pwd)/tests/browser
if [ ! -d "$browser/node_modules/playwright-core" ]; then
  echo "jmd: npm ci --prefix tests/browser" >&2
  npm ci --prefix "$browser" --no-audit --no-fund >/dev/null
fi
# The HTML report's vendor scripts (d3-geo, topojson-client, world-atlas),
# pinned by web/package-lock.json; the build bundles and embeds them
# (web/build.js, cmake/embed_web.cmake; docs/report.md).
web=$(cd "$(dirname "$0")/.." && pwd)/web
if [ ! -d "$web/node_modules/d3-geo" ]; then
  echo "jmd: npm ci --prefix web" >&2
  npm ci --prefix "$web" --no-audit --no-fund >/dev/null
fi
