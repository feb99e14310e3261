#!/usr/bin/env bash
# The suite end to end on a real chain: a fresh local Injective node (scripts/localnet.sh), the
# artifacts in artifacts/ stored, instantiated and wired, and every flow that needs no Osmosis
# module driven by signed transactions and checked by queries (scripts/e2e/e2e.py); then the
# `spice` CLI: deploy, status, the keeper on a fresh deployment (nothing to do), the keeper with
# work seeded (scripts/e2e/keeper.py), alerts, the web app, and last the keeper against node
# faults (scripts/e2e/keeper-faults.py: stopped, delayed and dropped, frozen).
#
#   scripts/e2e.sh                 reset the chain, start it, run the flows, stop the node
#   scripts/e2e.sh --timeout S     bound the whole run, the spice CLI, alerts and web checks
#                                  included, to S seconds (default 1800; the flows driver alone
#                                  has at most 900 of them)
#   scripts/e2e.sh --out FILE      where the per-transaction gas goes (default target/e2e/gas.json)
#
# The node is stopped on every exit: success, a failed step, the timeout, or Ctrl-C. Exit status:
# the first failing step's (0 when every step passed), 124 on the timeout, non-zero when the
# chain would not start. The artifacts are not rebuilt: run scripts/build-wasm.sh first when the
# code changed. Everything listens on 127.0.0.1 only.
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

# Seconds a step may take: its own cap ($1), cut to what is left of --timeout. Set by main.
STARTED=$SECONDS
LIMIT=1800
bound() {
  local left=$((LIMIT - (SECONDS - STARTED)))
  ((left > 0)) || die "no time left (--timeout $LIMIT)"
  echo $((left < $1 ? left : $1))
}

# scripts/e2e/deploy-local.toml with the node's gRPC address (the localnet's ports may be moved
# with SPICE_LOCALNET_*_PORT): every `spice` command below reads its [local.chain] from here.
CLI_CONFIG="$ROOT/target/e2e/deploy-local.toml"
write_cli_config() {
  mkdir -p "$(dirname "$CLI_CONFIG")"
  {
    cat "$ROOT/scripts/e2e/deploy-local.toml"
    printf '\n[local.chain]\ngrpc_url = "%s"\n' "$LOCALNET_GRPC"
  } >"$CLI_CONFIG"
}

# The `spice` CLI against the same node: deploy through cw-orch (signing as the localnet's
# `deployer` key), deploy again (must find nothing to do), status, and one keeper round.
cli_checks() {
  local state="$ROOT/target/e2e/spice-state-local.json" out
  # Each command is bounded on its own and by what is left of --timeout; the cw-orch daemon
  # retries a silent node for minutes.
  spice() { timeout --foreground --kill-after=10 "$(bound 300)" "$ROOT/target/debug/spice" "$@"; }
  log "spice CLI: deploy, re-deploy, status, keeper (cw-orch daemon, real transactions)"
  # The same build as scripts/test.sh's `cargo test --workspace` (nothing to do after it): a
  # `-p spice-cli` build unifies features differently, recompiles the contracts into the same
  # unhashed cdylib/rlib paths and leaves the workspace's crates linking a stale rlib.
  timeout --foreground "$(bound 900)" cargo test --workspace --locked --no-run --quiet
  rm -f "$state"
  write_cli_config
  # Crashes on the real node: the deploy dies (abort, like kill -9) right after a transaction
  # and before the state file records it — after storing the sixth code, after instantiating
  # the first contract, after instantiating the last (before wiring); each re-run starts from
  # what was recorded, finds the unrecorded contracts at their predicted addresses, and the
  # last one finishes the suite.
  local step
  for step in 5 6 11; do
    if SPICE_DEPLOY_ABORT_AFTER_STEP=$step spice deploy --network local --config "$CLI_CONFIG" \
      --state "$state" >"$ROOT/target/e2e/deploy-crash-$step.log" 2>&1; then
      die "a deploy meant to die after step $step finished"
    fi
    grep -q "SPICE_DEPLOY_ABORT_AFTER_STEP=$step" "$ROOT/target/e2e/deploy-crash-$step.log" ||
      die "the deploy meant to die after step $step failed otherwise: $(tail -n 5 "$ROOT/target/e2e/deploy-crash-$step.log")"
  done
  grep -q "found on chain" "$ROOT/target/e2e/deploy-crash-11.log" ||
    die "the re-run after a crash did not adopt the contract instantiated before it: $(cat "$ROOT/target/e2e/deploy-crash-11.log")"
  out=$(spice deploy --network local --config "$CLI_CONFIG" --state "$state")
  echo "$out" | tail -n 8
  grep -q "found on chain" <<<"$out" ||
    die "the re-run after the last crash did not adopt the last contract: $out"
  grep -q "^deployed" <<<"$out" || die "the re-run after the crashes did not finish: $out"
  out=$(spice deploy --network local --config "$CLI_CONFIG" --state "$state")
  grep -q "nothing to do" <<<"$out" || die "a second spice deploy did not find the suite deployed: $out"
  out=$(spice status --network local --config "$CLI_CONFIG" --state "$state" --json)
  python3 - "$out" <<'PY' || die "spice status --network local does not show the deployed suite"
import json, sys
report = json.loads(sys.argv[1])
text = json.dumps(report)
names = ["spice_token", "buyback_burn", "staking_vault", "rollover_escrow", "order_book", "provider_incentives"]
missing = [n for n in names if n not in text]
assert not missing, missing
print("spice status: six contracts on", report.get("network", "local"))
PY
  out=$(spice keeper run --network local --once --config "$CLI_CONFIG" --state-file "$state" 2>&1)
  echo "$out" | tail -n 3
  grep -q "0 transaction(s) sent" <<<"$out" || die "the keeper found work on a fresh deployment: $out"
  log "spice CLI checks passed"
}

# The keeper with work seeded on a suite of its own: every action this chain supports sent,
# fees and bounties checked against the chain by hash, nothing sent twice, then a round that
# sends nothing but a harvest of rewards accrued since (scripts/e2e/keeper.py).
keeper_checks() {
  log "spice keeper: work seeded, real transactions checked by hash"
  local t=$SECONDS
  timeout --foreground --kill-after=10 "$(bound 420)" python3 "$ROOT/scripts/e2e/keeper.py" \
    --spice "$ROOT/target/debug/spice" --base-state "$ROOT/target/e2e/spice-state-local.json"
  log "keeper with work: $((SECONDS - t))s"
}

# The keeper against a failing node, each case bounded in time: the node stopped mid-round and
# restarted, a TCP proxy that delays and drops, the node frozen (SIGSTOP) and resumed
# (scripts/e2e/keeper-faults.py).
keeper_fault_checks() {
  log "spice keeper: node faults (stopped, delayed and dropped, frozen)"
  local t=$SECONDS
  timeout --foreground --kill-after=10 "$(bound 240)" python3 "$ROOT/scripts/e2e/keeper-faults.py" \
    --spice "$ROOT/target/debug/spice"
  log "keeper fault tests: $((SECONDS - t))s"
}

# `spice alerts` on the same node: a lease crossing its runway threshold, a real SMTP server and
# a signed webhook (scripts/e2e/alerts.py).
alerts_checks() {
  log "spice alerts: email and webhook when a lease crosses its threshold"
  timeout --foreground --kill-after=10 "$(bound 180)" python3 "$ROOT/scripts/e2e/alerts.py" \
    --state "$ROOT/target/e2e/spice-state-local.json" --spice "$ROOT/target/debug/spice"
}

# Runs "$@" in a subshell that stops at its first failing command; sets `status` on failure.
checked() {
  set +e
  (
    set -e
    "$@"
  )
  local rc=$?
  set -e
  ((rc == 0)) || status=$rc
}

main() {
  local limit=1800 out="$ROOT/target/e2e/gas.json"
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
  STARTED=$started
  LIMIT=$limit
  # From here on the node is stopped however the script ends; INT/TERM become exits so the
  # EXIT trap runs.
  trap stop_node EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  log "fresh chain (scripts/localnet.sh reset + start)"
  "$ROOT/scripts/localnet.sh" reset
  "$ROOT/scripts/localnet.sh" start
  eval "$("$ROOT/scripts/localnet.sh" env | sed 's/^/export /')"

  local left
  left=$(bound 900)
  log "running scripts/e2e/e2e.py (at most ${left}s)"
  local status=0
  # --foreground keeps the driver in the terminal's process group, so Ctrl-C reaches it.
  timeout --foreground --kill-after=10 "$left" \
    python3 "$ROOT/scripts/e2e/e2e.py" --out "$out" || status=$?
  if ((status == 124)); then
    err "the run exceeded --timeout ${limit}s"
  fi
  if ((status == 0)); then
    # Each step runs in a subshell with errexit on: called as `step || status=$?`, bash would
    # ignore every failing command inside it but the last.
    checked cli_checks
    ((status != 0)) || checked keeper_checks
    ((status != 0)) || checked alerts_checks
    ((status != 0)) || checked timeout --foreground "$(bound 480)" "$ROOT/scripts/e2e/web.sh"
    # Last: it stops, freezes and restarts the node.
    ((status != 0)) || checked keeper_fault_checks
  fi
  log "e2e.sh took $((SECONDS - started))s"
  return "$status"
}

main "$@"
