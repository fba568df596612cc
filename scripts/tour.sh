#!/bin/sh
# tour.sh JMD — the main job until the governance comparison exists: a short
# tour of the analyst commands on real city pairs.
set -eu
jmd=$1
"$jmd" --version
