#!/usr/bin/env bash
# Regenerates schema/ from the contracts' message types, and the TypeScript clients in ts/src
# from schema/ (@cosmwasm/ts-codegen, pinned in ts/package-lock.json).
#   scripts/schema.sh           write schema/ and ts/src
#   scripts/schema.sh --check   fail when the committed schema/ or ts/src differs from the code
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/log.sh
source scripts/lib/log.sh

# npm packages come from ts/package-lock.json; installed once, again when the lock changes.
ts_install() {
  command -v npm >/dev/null || die "npm is needed for the TypeScript clients (Node.js 18+)"
  if [[ ! -f ts/node_modules/.package-lock.json ]] || ! cmp -s ts/package-lock.json ts/node_modules/.spice-lock; then
    log "installing the TypeScript toolchain (npm ci in ts/)"
    (cd ts && npm ci --no-audit --no-fund --loglevel=error)
    cp ts/package-lock.json ts/node_modules/.spice-lock
  fi
}

# codegen.mjs reads ../schema relative to ts/, so a check of fresh schemas copies them in place
# of schema/ only inside a scratch tree.
ts_generate() {
  local schema_dir=$1 out_dir=$2
  ts_install
  (cd ts && SPICE_SCHEMA_DIR="$schema_dir" node codegen.mjs "$out_dir" >/dev/null)
}

mode=${1:-write}
case "$mode" in
  write)
    rm -rf schema
    cargo run --quiet -p spice-schema -- schema
    echo "schema/ regenerated"
    rm -rf ts/src
    ts_generate "$PWD/schema" "$PWD/ts/src"
    echo "ts/src regenerated"
    ;;
  --check)
    fresh=$(mktemp -d)
    trap 'rm -rf "$fresh"' EXIT
    cargo run --quiet -p spice-schema -- "$fresh/schema"
    if ! diff -r -q schema "$fresh/schema" >/dev/null; then
      echo "schema/ is out of date with the contracts' messages:" >&2
      diff -r schema "$fresh/schema" | head -50 >&2 || true
      echo "run scripts/schema.sh and commit the result" >&2
      exit 1
    fi
    echo "schema/ matches the code"
    ts_generate "$fresh/schema" "$fresh/ts"
    if ! diff -r -q ts/src "$fresh/ts" >/dev/null; then
      echo "ts/src is out of date with schema/:" >&2
      diff -r ts/src "$fresh/ts" | head -50 >&2 || true
      echo "run scripts/schema.sh and commit the result" >&2
      exit 1
    fi
    echo "ts/src matches schema/"
    ;;
  *)
    echo "usage: scripts/schema.sh [--check]" >&2
    exit 2
    ;;
esac
