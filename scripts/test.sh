#!/usr/bin/env bash
# Every check the suite has, in the order a failure is cheapest to find.
# Installs what it needs (Debian's wasm toolchain, binaryen, cosmwasm-check) on a fresh machine.
#
#   scripts/test.sh                        the whole suite (CI runs exactly this)
#   PROPTEST_CASES=10000 scripts/test.sh   the deep property-test pass
set -euo pipefail
cd "$(dirname "$0")/.."

started=$(date +%s)
step() {
  local name=$1
  shift
  local t0
  t0=$(date +%s)
  echo "==> $name"
  "$@"
  echo "<== $name ($(($(date +%s) - t0)) s)"
}

# The spice CLI's cw-orch daemon links OpenSSL (reqwest's native TLS): headers and pkg-config
# come from Debian when missing.
if ! pkg-config --exists openssl 2>/dev/null; then
  step "OpenSSL headers (apt)" bash -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pkg-config libssl-dev >/dev/null"
fi
step "format" cargo fmt --all -- --check
step "clippy" cargo clippy --workspace --all-targets --locked -- -D warnings
step "schemas and TypeScript clients match the code" scripts/schema.sh --check
step "TypeScript clients and examples compile (tsc)" bash -c "cd ts && npx --no-install tsc -p tsconfig.json --noEmit"
# The real-VM tests in integration-tests load these artifacts, so they are built first.
step "wasm artifacts" scripts/build-wasm.sh --locked
step "tests (unit, multi-test, real VM)" cargo test --workspace --locked
# Real transactions on a fresh local Injective node; the node is stopped however it ends.
step "real chain (scripts/e2e.sh: localnet, flows, spice deploy/status/keeper)" scripts/e2e.sh

echo "scripts/test.sh: all checks passed in $(($(date +%s) - started)) s"
