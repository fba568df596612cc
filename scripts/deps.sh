#!/bin/sh
# deps.sh — make sure the Debian packages jmd builds and tests with are
# installed. As root it installs what is missing (quietly, no recommends);
# otherwise it prints the exact apt-get line and fails. Idempotent: when
# everything is present it only runs dpkg-query (well under a second).
set -eu
PKGS="build-essential pkg-config cmake ninja-build libgsl-dev libproj-dev libfyaml-dev libcmocka-dev libsqlite3-dev"
missing=""
for p in $PKGS; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0
line="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
  echo "jmd: missing Debian packages:$missing" >&2
  echo "jmd: run as root:  $line" >&2
  exit 1
fi
echo "jmd: installing$missing" >&2
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
