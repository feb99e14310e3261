#!/usr/bin/env bash
# Fuzzes the whole SPICE suite with libFuzzer: one target per contract (fuzz/fuzz_targets/),
# each decoding the fuzzer's bytes into up to 32 of that contract's actions and running
# spice_invariants::run (deploy the suite on the emulated Osmosis chain, apply every action,
# check every invariant after every step). A broken invariant or a panic is a crash.
#
#   scripts/fuzz.sh                      every target for 60 seconds
#   scripts/fuzz.sh 300                  every target for 300 seconds
#   scripts/fuzz.sh 120 escrow vault     only these targets
#
# Targets: token vault buyback escrow order_book incentives.
# Corpora are kept in fuzz/corpus/<target> (gitignored) and grow across runs; crashes are
# written to fuzz/artifacts/<target>/ (replay one with `cargo fuzz run <target> <file>` in
# fuzz/). Prints a table per target: executions, exec/s, libFuzzer's final `cov:` and `ft:`,
# and crashes. Exits non-zero when any target crashed.
#
# How it runs here: the rustup toolchain is stable, and cargo-fuzz passes -Z flags (and
# -Zsanitizer), so RUSTC_BOOTSTRAP=1 lets stable rustc accept them. The sanitizer is
# AddressSanitizer when the toolchain ships its runtime (librustc-*_rt.asan.a) and the build
# succeeds, otherwise `--sanitizer none` (the suite is safe Rust: coverage guidance and the
# invariants are what find bugs). FUZZ_SANITIZER=none|address forces one. libFuzzer is C++
# compiled by libfuzzer-sys: a missing C++ compiler is installed with apt-get (g++), and
# cargo-fuzz with `cargo install cargo-fuzz --locked` when missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/log.sh
source "$ROOT/scripts/lib/log.sh"

readonly FUZZ_DIR="$ROOT/fuzz"
readonly ALL_TARGETS=(token vault buyback escrow order_book incentives)

usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
}

debian_package_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

# Installs the Debian packages that are missing (as scripts/build-wasm.sh does).
ensure_debian_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    debian_package_installed "$pkg" || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get: install them by hand"
  [ "$(id -u)" -eq 0 ] || die "missing Debian packages ${missing[*]}: run as root or install them"
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
}

ensure_tools() {
  if ! command -v c++ >/dev/null || ! command -v cc >/dev/null; then
    ensure_debian_packages g++ make
  fi
  if ! cargo fuzz --version >/dev/null 2>&1; then
    log "installing cargo-fuzz"
    cargo install cargo-fuzz --locked
  fi
}

asan_available() {
  local sysroot
  sysroot="$(cd "$ROOT" && rustc --print sysroot)"
  compgen -G "$sysroot/lib/rustlib/*/lib/librustc-*_rt.asan.a" >/dev/null
}

# Builds every target (one build: they share all their code) with the sanitizer in
# $SANITIZER; falls back to none when that fails and none was forced.
build() {
  log "building the fuzz targets (sanitizer: $SANITIZER)"
  if ! (cd "$FUZZ_DIR" && cargo fuzz build --sanitizer "$SANITIZER"); then
    [ "$SANITIZER" = none ] && die "cargo fuzz build failed"
    [ -n "${FUZZ_SANITIZER:-}" ] && die "cargo fuzz build with --sanitizer $SANITIZER failed"
    warn "the $SANITIZER build failed; building with --sanitizer none"
    SANITIZER=none
    (cd "$FUZZ_DIR" && cargo fuzz build --sanitizer none) || die "cargo fuzz build failed"
  fi
}

# Runs one target; prints "target execs exec/s cov ft crashes" to stdout.
fuzz_one() {
  local target="$1" log_file crashes_before crashes_after
  mkdir -p "$FUZZ_DIR/corpus/$target" "$FUZZ_DIR/artifacts/$target"
  log_file="$FUZZ_DIR/artifacts/$target/last-run.log"
  crashes_before="$(find "$FUZZ_DIR/artifacts/$target" -name 'crash-*' | wc -l)"
  log "fuzzing $target for ${SECONDS_PER_TARGET}s"
  # -fork/-jobs are not used: one process keeps the numbers comparable run to run.
  (cd "$FUZZ_DIR" && cargo fuzz run --sanitizer "$SANITIZER" "$target" \
    "corpus/$target" -- \
    -max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 -timeout=60 \
    -rss_limit_mb=4096 -artifact_prefix="artifacts/$target/") >"$log_file" 2>&1 || true
  crashes_after="$(find "$FUZZ_DIR/artifacts/$target" -name 'crash-*' | wc -l)"
  # The last status line (`#N DONE cov: X ft: Y ...`, or the last `pulse`/`NEW` line if it
  # stopped early) and libFuzzer's final stats.
  awk -v target="$target" -v crashes="$((crashes_after - crashes_before))" '
    /^#[0-9]+/ {
      line = $0
      for (i = 1; i <= NF; i++) {
        if ($i == "cov:") cov = $(i + 1)
        if ($i == "ft:") ft = $(i + 1)
      }
    }
    /^stat::number_of_executed_units:/ { execs = $2 }
    /^stat::average_exec_per_sec:/ { rate = $2 }
    END {
      if (execs == "") { execs = "?" }
      if (rate == "") { rate = "?" }
      printf "%s %s %s %s %s %s\n", target, execs, rate, (cov == "" ? "?" : cov), (ft == "" ? "?" : ft), crashes
    }' "$log_file"
  if [ "$crashes_after" -gt "$crashes_before" ]; then
    err "$target crashed; see $log_file and fuzz/artifacts/$target/"
    grep -m1 -A3 "invariant broken\|panicked" "$log_file" >&2 || true
  fi
}

main() {
  case "${1:-}" in -h | --help) usage; exit 0 ;; esac
  SECONDS_PER_TARGET="${1:-60}"
  [[ "$SECONDS_PER_TARGET" =~ ^[0-9]+$ ]] || die "seconds per target must be a number (got $SECONDS_PER_TARGET)"
  shift || true
  if [ "$#" -gt 0 ]; then
    TARGETS=("$@")
    for t in "${TARGETS[@]}"; do
      [[ " ${ALL_TARGETS[*]} " == *" $t "* ]] || die "unknown target $t (targets: ${ALL_TARGETS[*]})"
    done
  else
    TARGETS=("${ALL_TARGETS[@]}")
  fi

  ensure_tools
  export RUSTC_BOOTSTRAP=1
  export CARGO_INCREMENTAL=0
  if [ -n "${FUZZ_SANITIZER:-}" ]; then
    SANITIZER="$FUZZ_SANITIZER"
  elif asan_available; then
    SANITIZER=address
  else
    SANITIZER=none
  fi
  build

  local rows=() failed=0 row
  for t in "${TARGETS[@]}"; do
    row="$(fuzz_one "$t")"
    rows+=("$row")
    [ "$(awk '{ print $6 }' <<<"$row")" = 0 ] || failed=1
  done

  printf '\nsanitizer: %s, %ss per target\n\n' "$SANITIZER" "$SECONDS_PER_TARGET"
  printf '| %-10s | %10s | %7s | %6s | %6s | %7s |\n' target executions "exec/s" "cov" "ft" crashes
  printf '|%s|%s|%s|%s|%s|%s|\n' ------------ ------------ --------- -------- -------- ---------
  for row in "${rows[@]}"; do
    # shellcheck disable=SC2086
    printf '| %-10s | %10s | %7s | %6s | %6s | %7s |\n' $row
  done
  [ "$failed" -eq 0 ] || die "a target crashed"
}

main "$@"
