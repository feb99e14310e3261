#!/usr/bin/env bash
# Regenerates schema/ from the contracts' message types.
#   scripts/schema.sh           write schema/
#   scripts/schema.sh --check   fail when the committed schema/ differs from the code
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-write}
case "$mode" in
  write)
    rm -rf schema
    cargo run --quiet -p spice-schema -- schema
    echo "schema/ regenerated"
    ;;
  --check)
    fresh=$(mktemp -d)
    trap 'rm -rf "$fresh"' EXIT
    cargo run --quiet -p spice-schema -- "$fresh"
    if ! diff -r -q schema "$fresh" >/dev/null; then
      echo "schema/ is out of date with the contracts' messages:" >&2
      diff -r schema "$fresh" | head -50 >&2 || true
      echo "run scripts/schema.sh and commit the result" >&2
      exit 1
    fi
    echo "schema/ matches the code"
    ;;
  *)
    echo "usage: scripts/schema.sh [--check]" >&2
    exit 2
    ;;
esac
