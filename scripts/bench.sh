#!/usr/bin/env bash
# Builds, then prints the benchmark figures recorded in the README. Not part of `make test`.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
"$ROOT/scripts/bootstrap.sh"
"$ROOT/scripts/build.sh" >/dev/null 2>&1 || "$ROOT/scripts/build.sh"
cargo build --quiet -p guardpost-tools --bin seed
node bench/sizes.mjs
echo
PER_SEGMENT=500 node bench/sync.mjs
echo
PER_SEGMENT=100 node bench/sync.mjs | tail -n 2
echo
node bench/first-sync.mjs
