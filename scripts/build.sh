#!/usr/bin/env bash
# Builds the app (Trunk, release, wasm-opt -Oz) into dist/app/ and the Worker (worker-build)
# into worker/build/.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

log "building the app (trunk, release)"
trunk build --release --offline

log "building the worker (worker-build, release)"
( cd worker &&
  WASM_BINDGEN_BIN="$(command -v wasm-bindgen)" \
  ESBUILD_BIN="$ROOT/node_modules/.bin/esbuild" \
  WASM_OPT_BIN="$ROOT/node_modules/.bin/wasm-opt" \
  worker-build --release )
