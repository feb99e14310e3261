#!/usr/bin/env bash
# A one-validator CosmWasm chain on loopback for real transactions: Injective's node
# (`injectived` v1.20.1 with libwasmvm, from PyPI's injective-core wheel), since no Osmosis
# node installs on these machines.
#
#   scripts/localnet.sh start     install (once), create the chain (once), start it, wait for blocks
#   scripts/localnet.sh stop      stop the node by its pid (SIGTERM, then SIGKILL after 20 s), only
#                                 if that pid runs injectived with this localnet's home
#   scripts/localnet.sh status    running or not, latest height, the funded test accounts
#   scripts/localnet.sh reset     stop and delete the chain's data (the install is kept); refused
#                                 unless the base directory carries this script's marker file
#   scripts/localnet.sh env       print the variables the e2e scripts use (binary, home, node, chain id)
#
# Everything lives under target/localnet/ (or SPICE_LOCALNET_DIR): the pip install (--target, the
# machine's Python is not touched), the node's home, its log, its pid file and the marker file
# `.spice-localnet` that says the directory is this script's. Ports: SPICE_LOCALNET_RPC_PORT,
# SPICE_LOCALNET_GRPC_PORT, SPICE_LOCALNET_P2P_PORT. Every listener is bound to 127.0.0.1;
# the REST API, gRPC-web and the EVM JSON-RPC are switched off.
# Accounts (keyring-backend test, eth_secp256k1 keys, coin type 60 — Injective's): validator,
# owner, guardian, operator, oracle, auditor, monitor, keeper, tenant, provider, backup, user1,
# user2, deployer; each holds 1,000,000 INJ (18 decimals) at genesis.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=lib/log.sh
source "$ROOT/scripts/lib/log.sh"

readonly INJECTIVE_CORE_VERSION="1.20.1"
readonly BASE="${SPICE_LOCALNET_DIR:-$ROOT/target/localnet}"
readonly PIP_DIR="$BASE/pip"
readonly NODE_HOME="$BASE/home"
readonly PID_FILE="$BASE/injectived.pid"
# Written when this script takes a directory as its base; `reset` deletes nothing without it.
readonly MARKER="$BASE/.spice-localnet"
readonly LOG_FILE="$BASE/injectived.log"
readonly CHAIN_ID="spice-local-1"
readonly DENOM="inj"
readonly RPC_PORT="${SPICE_LOCALNET_RPC_PORT:-26757}"
readonly GRPC_PORT="${SPICE_LOCALNET_GRPC_PORT:-9391}"
readonly P2P_PORT="${SPICE_LOCALNET_P2P_PORT:-26756}"
readonly NODE="tcp://127.0.0.1:$RPC_PORT"
readonly ACCOUNTS=(validator owner guardian operator oracle auditor monitor keeper tenant provider backup user1 user2 deployer)
# `deployer` signs `spice deploy --network local`: it is recovered from this PUBLIC test
# mnemonic (BIP-39's all-"abandon" vector) so cw-orch can derive the same key; it guards
# nothing but this throwaway chain. `scripts/localnet.sh env` exports it as LOCAL_MNEMONIC.
readonly DEPLOYER_MNEMONIC="abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
# 1,000,000 INJ each; the validator bonds 100,000.
readonly GENESIS_BALANCE="1000000000000000000000000$DENOM"
readonly SELF_BOND="100000000000000000000000$DENOM"

binary_dir() { echo "$PIP_DIR/injective_core/bin"; }
binary() { echo "$(binary_dir)/injectived"; }

inj() {
  LD_LIBRARY_PATH="$(binary_dir)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$(binary)" "$@"
}

install_node() {
  if [[ -x "$(binary)" ]] && inj version >/dev/null 2>&1; then
    return
  fi
  log "installing injective-core $INJECTIVE_CORE_VERSION from PyPI into $PIP_DIR"
  mkdir -p "$PIP_DIR"
  python3 -m pip install --quiet --disable-pip-version-check --target "$PIP_DIR" \
    "injective-core==$INJECTIVE_CORE_VERSION"
  # The wheel carries the node as a zstd tarball; the package's own helper unpacks it next to
  # libwasmvm and links `injectived` to the platform binary.
  PYTHONPATH="$PIP_DIR" python3 -c 'import injective_core; print(injective_core.get_binary_path())' >/dev/null
  chmod +x "$(binary_dir)"/injectived* 2>/dev/null || true
  inj version >/dev/null || die "injectived does not run (missing libwasmvm?)"
  log "injectived $(inj version 2>&1 | head -1)"
}

set_toml() {
  # set_toml FILE SECTION KEY VALUE — edits one key inside one [section] ("" = top level).
  python3 - "$@" <<'PY'
import re, sys
path, section, key, value = sys.argv[1:5]
lines = open(path).read().split("\n")
current = ""
done = False
for i, line in enumerate(lines):
    m = re.match(r"^\[([^\]]+)\]\s*$", line)
    if m:
        current = m.group(1)
        continue
    if current == section and re.match(rf"^{re.escape(key)}\s*=", line):
        lines[i] = f"{key} = {value}"
        done = True
        break
if not done:
    sys.exit(f"{path}: no key {key} in [{section}]")
open(path, "w").write("\n".join(lines))
PY
}

create_chain() {
  [[ -f "$NODE_HOME/config/genesis.json" ]] && return
  log "creating chain $CHAIN_ID in $NODE_HOME"
  inj init spice-validator --chain-id "$CHAIN_ID" --home "$NODE_HOME" >/dev/null 2>&1
  for name in "${ACCOUNTS[@]}"; do
    if [[ $name == deployer ]]; then
      echo "$DEPLOYER_MNEMONIC" | inj keys add "$name" --recover --keyring-backend test \
        --home "$NODE_HOME" >/dev/null 2>&1
    else
      inj keys add "$name" --keyring-backend test --home "$NODE_HOME" >/dev/null 2>&1
    fi
    inj add-genesis-account "$(key_address "$name")" "$GENESIS_BALANCE" --chain-id "$CHAIN_ID" \
      --keyring-backend test --home "$NODE_HOME" >/dev/null
  done
  # A fresh genesis names "stake" everywhere a denom goes; this chain uses inj, and short
  # governance/unbonding periods suit a test chain.
  python3 - "$NODE_HOME/config/genesis.json" "$DENOM" <<'PY'
import json, sys
path, denom = sys.argv[1:3]
text = open(path).read().replace('"stake"', json.dumps(denom))
genesis = json.loads(text)
app = genesis["app_state"]
app["staking"]["params"]["unbonding_time"] = "60s"
app["gov"]["params"]["voting_period"] = "30s"
app["gov"]["params"]["expedited_voting_period"] = "15s"
json.dump(genesis, open(path, "w"), indent=1)
PY
  inj genesis gentx validator "$SELF_BOND" --chain-id "$CHAIN_ID" --keyring-backend test \
    --home "$NODE_HOME" >/dev/null 2>&1
  inj genesis collect-gentxs --home "$NODE_HOME" >/dev/null 2>&1
  inj genesis validate --home "$NODE_HOME" >/dev/null

  local config="$NODE_HOME/config/config.toml" app="$NODE_HOME/config/app.toml"
  set_toml "$config" rpc laddr "\"tcp://127.0.0.1:$RPC_PORT\""
  set_toml "$config" p2p laddr "\"tcp://127.0.0.1:$P2P_PORT\""
  set_toml "$config" rpc pprof_laddr '""'
  set_toml "$config" consensus timeout_commit '"1s"'
  set_toml "$app" api enable false
  set_toml "$app" grpc address "\"127.0.0.1:$GRPC_PORT\""
  set_toml "$app" grpc-web enable false
  set_toml "$app" json-rpc enable false
}

key_address() {
  inj keys show "$1" -a --keyring-backend test --home "$NODE_HOME"
}

# Whether pid $1 is this localnet's node: injectived started with this --home. A pid file can
# outlive its process, and the kernel reuses pids.
is_node() {
  local pid="$1" cmdline
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ "$cmdline" == *injectived* && "$cmdline" == *" --home $NODE_HOME "* ]]
}

running() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid=$(cat "$PID_FILE")
  kill -0 "$pid" 2>/dev/null && is_node "$pid"
}

# Takes $BASE as this script's directory: a new or empty one, one that already has the marker,
# or a localnet made before the marker existed (it has the install or the node's genesis).
claim_base() {
  if [[ -f "$MARKER" ]]; then
    return
  fi
  if [[ -d "$BASE" && -n "$(ls -A "$BASE" 2>/dev/null)" ]] &&
    [[ ! -d "$PIP_DIR/injective_core" && ! -f "$NODE_HOME/config/genesis.json" ]]; then
    die "$BASE is not empty and is not a localnet directory: point SPICE_LOCALNET_DIR elsewhere"
  fi
  mkdir -p "$BASE"
  echo "scripts/localnet.sh base directory; reset deletes $NODE_HOME" >"$MARKER"
}

# The only `rm -rf` of this script: the node's home inside a base directory that is under the
# repository's target/ or is SPICE_LOCALNET_DIR, and that carries the marker.
remove_chain_data() {
  local base in_target=false
  base=$(realpath -m -- "$BASE")
  case "$base" in
    "$(realpath -m -- "$ROOT/target")"/*) in_target=true ;;
    *)
      [[ -n "${SPICE_LOCALNET_DIR:-}" && "$base" == "$(realpath -m -- "$SPICE_LOCALNET_DIR")" ]] ||
        die "refusing to delete under $base: not under $ROOT/target/ nor SPICE_LOCALNET_DIR"
      ;;
  esac
  [[ "$base" != "/" && "$base" != "$(realpath -m -- "$HOME")" ]] || die "refusing to delete under $base"
  if [[ ! -d "$NODE_HOME" ]]; then
    log "no chain data in $NODE_HOME"
    return
  fi
  # A localnet made under target/ before the marker existed: its genesis names this chain.
  if [[ ! -f "$MARKER" ]] && $in_target &&
    grep -q "\"chain_id\": *\"$CHAIN_ID\"" "$NODE_HOME/config/genesis.json" 2>/dev/null; then
    echo "scripts/localnet.sh base directory; reset deletes $NODE_HOME" >"$MARKER"
  fi
  [[ -f "$MARKER" ]] ||
    die "refusing to delete $NODE_HOME: $BASE has no $(basename "$MARKER") marker (not made by this script?)"
  rm -rf -- "$NODE_HOME"
  log "chain data removed ($NODE_HOME)"
}

latest_height() {
  inj status --node "$NODE" 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["sync_info"]["latest_block_height"])' 2>/dev/null || echo 0
}

start() {
  claim_base
  install_node
  create_chain
  if running; then
    log "already running (pid $(cat "$PID_FILE")), height $(latest_height)"
    return
  fi
  log "starting injectived (log: $LOG_FILE)"
  LD_LIBRARY_PATH="$(binary_dir)" nohup "$(binary)" start --home "$NODE_HOME" \
    >"$LOG_FILE" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  local waited=0
  while (( $(latest_height) < 2 )); do
    if ! running; then
      tail -n 30 "$LOG_FILE" >&2
      rm -f "$PID_FILE"
      die "injectived exited during start-up (log above)"
    fi
    (( waited++ >= 90 )) && { stop; die "no blocks after 90 s"; }
    sleep 1
  done
  log "running: pid $(cat "$PID_FILE"), rpc $NODE, chain $CHAIN_ID, height $(latest_height)"
}

stop() {
  if ! running; then
    if [[ -f "$PID_FILE" ]]; then
      # Killing nothing: whatever has that pid now is not this localnet's node.
      warn "$PID_FILE names pid $(cat "$PID_FILE"), which is not this localnet's injectived; removed the stale pid file"
      rm -f "$PID_FILE"
    fi
    log "not running"
    return
  fi
  local pid
  pid=$(cat "$PID_FILE")
  kill -TERM "$pid"
  for _ in $(seq 1 20); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  # Still the node (not a new process that took the pid): SIGKILL.
  if kill -0 "$pid" 2>/dev/null && is_node "$pid"; then
    kill -KILL "$pid"
  fi
  rm -f "$PID_FILE"
  log "stopped (pid $pid)"
}

status() {
  if running; then
    log "running: pid $(cat "$PID_FILE"), rpc $NODE, chain $CHAIN_ID, height $(latest_height)"
  else
    log "not running"
  fi
  if [[ -f "$NODE_HOME/config/genesis.json" ]]; then
    for name in "${ACCOUNTS[@]}"; do
      printf '  %-10s %s\n' "$name" "$(key_address "$name")"
    done
  fi
}

print_env() {
  echo "INJECTIVED=$(binary)"
  echo "INJECTIVED_LIB=$(binary_dir)"
  echo "LOCALNET_HOME=$NODE_HOME"
  echo "LOCALNET_NODE=$NODE"
  echo "LOCALNET_GRPC=http://127.0.0.1:$GRPC_PORT"
  echo "LOCALNET_PID_FILE=$PID_FILE"
  echo "LOCALNET_CHAIN_ID=$CHAIN_ID"
  echo "LOCALNET_DENOM=$DENOM"
  echo "LOCAL_MNEMONIC=\"$DEPLOYER_MNEMONIC\""
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  reset) stop; remove_chain_data ;;
  env) print_env ;;
  *) die "usage: scripts/localnet.sh start|stop|status|reset|env" ;;
esac
