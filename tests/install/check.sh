#!/bin/sh
# check.sh BUILD APP.C — installs the build into a scratch prefix and builds
# APP.C against it with pkg-config alone, as an outside user would, then
# runs it. Proves the headers, libjmd and jmd.pc are installed and usable.
set -eu
build=$1
app=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
pc=$(find "$prefix" -name jmd.pc | head -1)
[ -n "$pc" ] || { echo "jmd.pc not installed"; exit 1; }
# jmd.pc carries the configure-time prefix; point it at the scratch one.
sed -i "s|^prefix=.*|prefix=$prefix|" "$pc"
export PKG_CONFIG_PATH=$(dirname "$pc")
test -x "$prefix/bin/jmd"
"$prefix/bin/jmd" --version
cc -std=c17 -Wall -Werror ${APP_CFLAGS:-} "$app" $(pkg-config --cflags --libs jmd) -lm -o "$prefix/app"
"$prefix/app"
# The static library links too.
cc -std=c17 -Wall -Werror ${APP_CFLAGS:-} "$app" $(pkg-config --cflags jmd) "$(dirname "$pc")/../libjmd.a" \
   $(pkg-config --libs gsl proj libfyaml sqlite3 libsodium CycloneDDS) -lpthread -lm -o "$prefix/app_static"
"$prefix/app_static"
