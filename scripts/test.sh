#!/usr/bin/env bash
# Sets everything up and runs every check. Ends with one line:
# "N passed, N failed, N skipped, N cancelled". Each cargo test and node test counts as one;
# fmt, clippy, the build and the deploy dry run count as one each. A skipped (or ignored) or
# cancelled test fails the run: a proof that didn't run proves nothing.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

passed=0
failed=0
skipped=0
cancelled=0
failures=()
out="$ROOT/target/test-logs"
mkdir -p "$out"

check() { # name, command...: a single pass/fail step
  local name="$1"; shift
  log "$name"
  if "$@" >"$out/$name.log" 2>&1; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); failures+=("$name")
    tail -n 60 "$out/$name.log" >&2
  fi
}

count_cargo() { # log file: add the "test result:" lines up
  local p f i
  p=$(grep -E '^test result:' "$1" | sed -E 's/.* ([0-9]+) passed.*/\1/' | awk '{s+=$1} END {print s+0}')
  f=$(grep -E '^test result:' "$1" | sed -E 's/.* ([0-9]+) failed.*/\1/' | awk '{s+=$1} END {print s+0}')
  i=$(grep -E '^test result:' "$1" | sed -E 's/.* ([0-9]+) ignored.*/\1/' | awk '{s+=$1} END {print s+0}')
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + i))
}

count_node() { # log file: node's test runner summary
  local p f s t c
  p=$(grep -E '^# pass [0-9]+' "$1" | awk '{s+=$3} END {print s+0}')
  f=$(grep -E '^# fail [0-9]+' "$1" | awk '{s+=$3} END {print s+0}')
  s=$(grep -E '^# skipped [0-9]+' "$1" | awk '{s+=$3} END {print s+0}')
  t=$(grep -E '^# todo [0-9]+' "$1" | awk '{s+=$3} END {print s+0}')
  c=$(grep -E '^# cancelled [0-9]+' "$1" | awk '{s+=$3} END {print s+0}')
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s + t)); cancelled=$((cancelled + c))
}

"$ROOT/scripts/bootstrap.sh" --browser

check fmt cargo fmt --all -- --check
check clippy-native cargo clippy -p guardpost-domain -p guardpost-tools -p guardpost-backup -p guardpost-wasm-shrink --all-targets -- -D warnings
check clippy-wasm32 cargo clippy --target wasm32-unknown-unknown -p guardpost-domain -p guardpost-app -p guardpost-worker -- -D warnings
check clippy-office cargo clippy --target wasm32-unknown-unknown -p guardpost-app --features office -- -D warnings

log "cargo test"
if cargo test -p guardpost-domain -p guardpost-tools -p guardpost-wasm-shrink >"$out/cargo-test.log" 2>&1; then :; else
  grep -qE '^test result:' "$out/cargo-test.log" || { failed=$((failed + 1)); failures+=("cargo-test-build"); }
  tail -n 60 "$out/cargo-test.log" >&2
fi
count_cargo "$out/cargo-test.log"
grep -E '^test result: FAILED|^---- ' "$out/cargo-test.log" >&2 || true

check build "$ROOT/scripts/build.sh"
check seed-tool cargo build -p guardpost-tools --bins
check backup-tool cargo build -p guardpost-backup
check deploy-dry-run wrangler deploy --dry-run --outdir "$ROOT/target/dry-run"

log "worker and browser tests (node --test)"
# A test that hangs (a wait with no end of its own) fails after ten minutes instead of
# holding the run until CI gives up on it: the longest suite takes under three.
node --test --test-concurrency=1 --test-timeout=600000 --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$out/node.tap" tests/*.test.mjs || true
count_node "$out/node.tap"
grep -qE '^# pass' "$out/node.tap" || { failed=$((failed + 1)); failures+=("node-tests-ran"); }

if ((failed > 0)); then
  echo "failed steps or tests: ${failures[*]:-see the output above}" >&2
fi
if ((skipped + cancelled > 0)); then
  echo "skipped or cancelled tests (each fails the run):" >&2
  grep -E '# SKIP|# TODO|^ *not ok .*cancel' "$out/node.tap" >&2 || true
  grep -E '\.\.\. ignored' "$out/cargo-test.log" >&2 || true
fi
echo "$passed passed, $failed failed, $skipped skipped, $cancelled cancelled"
((failed == 0 && skipped == 0 && cancelled == 0))
