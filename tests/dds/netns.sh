#!/bin/sh
# netns.sh TEST_DDS — runs test_dds's round-trip cases in a private network
# namespace whose only interface is loopback (unshare -n): the proof that the
# DDS transport needs, and uses, nothing but 127.0.0.1. Exit 77 (skipped)
# where the namespace cannot be made (not root, no user namespaces, no ip).
set -u
test_dds=$1
command -v unshare >/dev/null 2>&1 || { echo "unshare missing: skipped"; exit 77; }
command -v ip >/dev/null 2>&1 || { echo "ip (iproute2) missing: skipped"; exit 77; }
unshare -n true 2>/dev/null || { echo "unshare -n not permitted here: skipped"; exit 77; }
exec unshare -n sh -c 'ip link set lo up && ip -o link | grep -v " lo:" && { echo "unexpected interface"; exit 1; }; exec "$0" roundtrip' "$test_dds"
