#!/usr/bin/env bash
# Gas benchmarks of the optimized artifacts in the real VM (cosmwasm-vm 3.0.10).
#
#   scripts/bench.sh                  build the artifacts (scripts/build-wasm.sh), measure every
#                                     path, write BENCHMARKS.md
#   scripts/bench.sh --check          the same, then fail (naming the row) when SPICE's transfer,
#                                     send, burn or balance costs more VM gas than cw20-base's, a
#                                     scaling ratio (10,000 vs 10 entries) exceeds 1.25, an
#                                     artifact exceeds 700,000 bytes, or a path costs more SDK gas
#                                     than its budget in bench/budgets.toml
#   scripts/bench.sh --write-budgets  also rewrite bench/budgets.toml from this run (+5%)
#   scripts/bench.sh --skip-build     measure the artifacts already in artifacts/
#   scripts/bench.sh --locked         pass --locked to cargo (CI)
#   scripts/bench.sh --real-chain     also run scripts/e2e.sh (after the build) so the paths get
#                                     the gas a real node charged beside the estimate
#
# Real-chain columns: the benchmark reads target/e2e/gas.json (written by scripts/e2e.sh) when it
# exists and was measured with the artifacts in artifacts/; otherwise they say "not measured".
# They are informational: --check never looks at them.
#
# The benchmark is integration-tests/src/bin/bench.rs (logic in integration-tests/src/bench.rs),
# built in the dev profile: the VM crates are optimized even there (see Cargo.toml), so a
# release build of the harness would only add minutes of compilation. Takes about a minute
# after the first build.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/log.sh
source "$ROOT/scripts/lib/log.sh"

usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
}

main() {
  local build=1 real_chain=0 bench_args=() cargo_args=() build_args=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --check) bench_args+=(--check) ;;
      --write-budgets) bench_args+=(--write-budgets) ;;
      --skip-build) build=0 ;;
      --real-chain) real_chain=1 ;;
      --locked) cargo_args+=(--locked); build_args+=(--locked) ;;
      -h | --help) usage; exit 0 ;;
      *) usage >&2; die "unknown argument: $1" ;;
    esac
    shift
  done

  local started=$SECONDS
  cd "$ROOT"
  if [ "$build" = 1 ]; then
    log "building the artifacts (scripts/build-wasm.sh)"
    "$ROOT/scripts/build-wasm.sh" "${build_args[@]}"
  fi
  local status=0
  if [ "$real_chain" = 1 ]; then
    log "measuring on a real chain (scripts/e2e.sh)"
    if ! "$ROOT/scripts/e2e.sh" --out "$ROOT/target/e2e/gas.json"; then
      err "scripts/e2e.sh failed: its gas numbers may be partial"
      status=1
    fi
  fi
  log "building the benchmark"
  cargo build -q -p spice-integration-tests --bin bench "${cargo_args[@]}"
  log "measuring"
  "$ROOT/target/debug/bench" --real-gas "$ROOT/target/e2e/gas.json" "${bench_args[@]}" ||
    status=$?
  log "bench.sh took $((SECONDS - started))s"
  return "$status"
}

main "$@"
