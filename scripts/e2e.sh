#!/usr/bin/env bash
# The suite end to end on a real chain: a fresh local Injective node (scripts/localnet.sh), the
# artifacts in artifacts/ stored, instantiated and wired, and every flow that needs no Osmosis
# module driven by signed transactions and checked by queries (scripts/e2e/e2e.py).
#
#   scripts/e2e.sh                 reset the chain, start it, run the flows, stop the node
#   scripts/e2e.sh --timeout S     bound the whole run to S seconds (default 900)
#   scripts/e2e.sh --out FILE      where the per-transaction gas goes (default target/e2e/gas.json)
#
# The node is stopped on every exit: success, a failed step, the timeout, or Ctrl-C. Exit status:
# the driver's (0 when every step passed), 124 on the timeout, non-zero when the chain would not
# start. The artifacts are not rebuilt: run scripts/build-wasm.sh first when the code changed.
# Everything listens on 127.0.0.1 only. Takes about three minutes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/log.sh
source "$ROOT/scripts/lib/log.sh"

usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
}

stop_node() {
  "$ROOT/scripts/localnet.sh" stop || warn "could not stop the localnet node"
}

main() {
  local limit=900 out="$ROOT/target/e2e/gas.json"
  while [ $# -gt 0 ]; do
    case "$1" in
      --timeout) limit="${2:?--timeout needs seconds}"; shift ;;
      --out) out="${2:?--out needs a path}"; shift ;;
      -h | --help) usage; exit 0 ;;
      *) usage >&2; die "unknown argument: $1" ;;
    esac
    shift
  done
  command -v python3 >/dev/null || die "python3 is required"
  command -v timeout >/dev/null || die "timeout (coreutils) is required"

  local started=$SECONDS
  # From here on the node is stopped however the script ends; INT/TERM become exits so the
  # EXIT trap runs.
  trap stop_node EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  log "fresh chain (scripts/localnet.sh reset + start)"
  "$ROOT/scripts/localnet.sh" reset
  "$ROOT/scripts/localnet.sh" start
  local var
  while IFS= read -r var; do
    export "${var?}"
  done < <("$ROOT/scripts/localnet.sh" env)

  local left=$((limit - (SECONDS - started)))
  ((left > 0)) || die "no time left for the driver (--timeout $limit)"
  log "running scripts/e2e/e2e.py (at most ${left}s)"
  local status=0
  # --foreground keeps the driver in the terminal's process group, so Ctrl-C reaches it.
  timeout --foreground --kill-after=10 "$left" \
    python3 "$ROOT/scripts/e2e/e2e.py" --out "$out" || status=$?
  if ((status == 124)); then
    err "the run exceeded --timeout ${limit}s"
  fi
  log "e2e.sh took $((SECONDS - started))s"
  return "$status"
}

main "$@"
