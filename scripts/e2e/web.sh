#!/usr/bin/env bash
# The web app (web/) end to end: npm ci, unit tests, the production bundle (checked to carry no
# mnemonic), then web/e2e/web.e2e.mjs drives it in headless Chromium against the running localnet
# with the suite `spice deploy` put there (the state file). Installs Debian's chromium when it is
# missing. Screenshots, timings and the results go to target/e2e/web/.
#
#   scripts/e2e/web.sh [STATE_FILE]    default target/e2e/spice-state-local.json
#
# The localnet must be running (scripts/localnet.sh start; the SPICE_LOCALNET_* ports are
# honoured). scripts/e2e.sh calls this after its CLI checks, on the same chain.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=scripts/lib/log.sh
source "$ROOT/scripts/lib/log.sh"

web_checks() {
  local state="${1:-$ROOT/target/e2e/spice-state-local.json}" t
  [[ -f $state ]] || die "no deploy state file at $state (run spice deploy first)"
  command -v node >/dev/null || die "node is required for the web app"
  if ! command -v chromium >/dev/null && [[ -z ${CHROMIUM:-} ]]; then
    log "installing Debian's chromium (headless browser for the web e2e)"
    t=$SECONDS
    if [[ $(id -u) -eq 0 ]]; then
      apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
    else
      sudo apt-get install -y -qq chromium >/dev/null 2>&1 || { sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; }
    fi
    log "chromium installed in $((SECONDS - t))s"
  fi
  eval "$("$ROOT/scripts/localnet.sh" env | sed 's/^/export /')"
  export SPICE_STATE="$state"
  export SPICE_WEB_RPC="http://127.0.0.1:${SPICE_LOCALNET_RPC_PORT:-26757}"
  mkdir -p "$ROOT/target/e2e/web"
  (
    cd "$ROOT/web"
    t=$SECONDS
    npm ci --no-audit --no-fund --loglevel=error
    log "web: npm ci took $((SECONDS - t))s"
    t=$SECONDS
    npx vitest run --reporter=dot
    npx tsc --noEmit -p tsconfig.json
    log "web: unit tests and typecheck took $((SECONDS - t))s"
    t=$SECONDS
    npx vite build --logLevel warn
    log "web: vite build took $((SECONDS - t))s ($(du -cb dist/assets/*.js | tail -1 | cut -f1) bytes of JS)"
    # The development signer's mnemonic stays in the dev/preview server: never in the bundle.
    if grep -rqF "$LOCAL_MNEMONIC" dist || grep -rq "__dev_mnemonic\|abandon abandon" dist; then
      die "the production bundle carries a mnemonic"
    fi
    t=$SECONDS
    node e2e/web.e2e.mjs
    log "web: browser e2e took $((SECONDS - t))s"
  )
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  web_checks "$@"
fi
