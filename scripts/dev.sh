#!/usr/bin/env bash
# Sets everything up, builds, seeds the demo school into a local KV on disk and runs
# `wrangler dev` on 127.0.0.1. PORT (default 8787) and PERSIST (default .wrangler/state)
# can be overridden.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
PORT="${PORT:-8787}"
PERSIST="${PERSIST:-$ROOT/.wrangler/state}"

"$ROOT/scripts/bootstrap.sh"
"$ROOT/scripts/build.sh"

log "seeding the demo school (idempotent)"
mkdir -p "$PERSIST"
tokens="$(cargo run --quiet -p guardpost-tools --bin seed -- "$ROOT/target/demo-seed.json")"
wrangler kv bulk put "$ROOT/target/demo-seed.json" --binding KV --local --persist-to "$PERSIST" >/dev/null

cat <<MSG

  Guardpost is running with the demo school (城关镇第一中心小学):
    public notice page   http://127.0.0.1:$PORT/
    the app              http://127.0.0.1:$PORT/app/
    health               http://127.0.0.1:$PORT/api/v1/health
  Demo device tokens (role, person, token), for signing the app in as demo staff:
$(printf '%s\n' "$tokens" | sed 's/^/    /')
  Setup code (makes one more admin, once, as a new school's first admin would):
    demo-setup-code-for-local-use-only
  Press Ctrl-C to stop. KV data is kept in $PERSIST.

MSG
# The setup code is a secret in a real deployment (`wrangler secret put SETUP_CODE`).
# --test-scheduled: wrangler dev runs no crons by itself; GET /__scheduled runs the minute's.
exec wrangler dev --ip 127.0.0.1 --port "$PORT" --persist-to "$PERSIST" --show-interactive-dev-session=false --test-scheduled \
  --var SETUP_CODE:demo-setup-code-for-local-use-only
