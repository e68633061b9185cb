#!/usr/bin/env bash
# Builds the app's two builds (Trunk, release, wasm-opt -Oz; see app/src/app_build.rs) into dist/app/ and the Worker (worker-build)
# into worker/build/.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

# The office's build first: the class build's hook takes its code in (scripts/sw-precache.mjs).
# Trunk's wasm-bindgen is scripts/split/wasm-bindgen, which splits the screens opened later
# out of each build's wasm first (app/src/later.rs); the Worker's is the real one.
trunk() { PATH="$ROOT/scripts/split:$PATH" command trunk "$@"; }

log "building the wasm's last steps (tools/wasm-shrink, for scripts/split/wasm-bindgen)"
cargo build --release --quiet -p guardpost-wasm-shrink
log "building the office's app (trunk, release, every screen)"
trunk build --release --offline --features office --dist target/trunk-office --public-url /app/office/
log "building the class teacher's app (trunk, release)"
trunk build --release --offline

log "building the worker (worker-build, release)"
( cd worker &&
  WASM_BINDGEN_BIN="$(command -v wasm-bindgen)" \
  ESBUILD_BIN="$ROOT/node_modules/.bin/esbuild" \
  WASM_OPT_BIN="$ROOT/node_modules/.bin/wasm-opt" \
  worker-build --release )
