#!/usr/bin/env bash
# `make bench`: installs what it needs, builds, then prints the one table recorded in the
# README's Performance section (each script's full output is kept in target/bench/). Not part
# of `make test`. BENCH_ONLY=sizes,pouch runs some of them.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
"$ROOT/scripts/bootstrap.sh" --browser
"$ROOT/scripts/build.sh" >/dev/null 2>&1 || "$ROOT/scripts/build.sh"
cargo build --quiet -p guardpost-tools --bins
node bench/table.mjs
