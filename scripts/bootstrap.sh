#!/usr/bin/env bash
# Installs what the build and the tests need, reusing what is already there at the right
# version. Sources: crates.io, the npm registry and Debian's packages only.
#   scripts/bootstrap.sh            tools for building and running the app
#   scripts/bootstrap.sh --browser  also Debian's chromium, for the browser tests
source "$(dirname "$0")/lib.sh"

TRUNK_VERSION=0.21.14
WORKER_BUILD_VERSION=0.8.7
# Splits the app's screens opened later out of its wasm (scripts/split/wasm-bindgen).
WASM_SPLIT_VERSION=0.2.4
want_browser=false
[[ "${1:-}" == "--browser" ]] && want_browser=true

has_version() { # command, expected version substring
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -qF "$2"
}

# Debian and npm downloads run while cargo compiles: the machine has two cores and the
# compiles dominate.
pids=()
# Without a CJK font, chromium draws Chinese as boxes and the browser tests would measure tap
# targets, overflow and contrast of placeholder glyphs.
has_cjk_font() { dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "install ok installed"; }
if $want_browser && { ! command -v chromium >/dev/null 2>&1 || ! has_cjk_font; }; then
  log "installing Debian chromium and a CJK font (browser tests)"
  ( export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null ) &
  pids+=($!)
fi
if [[ ! -f "$ROOT/node_modules/.package-lock.json" || "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]]; then
  log "installing npm packages from package-lock.json"
  ( cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error ) &
  pids+=($!)
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi
for component in clippy rustfmt; do
  rustup component list --installed | grep -q "^$component" || rustup component add "$component"
done

wb="$(wasm_bindgen_version)"
if ! has_version wasm-bindgen "$wb"; then
  log "installing wasm-bindgen-cli $wb (matches Cargo.lock)"
  # Not --locked: the CLI's own lockfile pins a crate version the registry no longer has.
  cargo install wasm-bindgen-cli --version "$wb" --force
fi
if ! has_version trunk "$TRUNK_VERSION"; then
  log "installing trunk $TRUNK_VERSION"
  cargo install --locked trunk --version "$TRUNK_VERSION" --force
fi
if ! has_version worker-build "$WORKER_BUILD_VERSION"; then
  log "installing worker-build $WORKER_BUILD_VERSION"
  cargo install worker-build --version "$WORKER_BUILD_VERSION" --force
fi

# The CLI has no --version: cargo's own list of installed crates says which is there.
if ! cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
  log "installing wasm-split-cli (wasm_split_cli_support $WASM_SPLIT_VERSION)"
  cargo install --locked wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary --force
fi

for pid in "${pids[@]}"; do wait "$pid"; done
if $want_browser && { ! command -v chromium >/dev/null 2>&1 || ! has_cjk_font; }; then
  echo "chromium or fonts-noto-cjk is still missing after apt-get install" >&2
  exit 1
fi
log "tools ready"
