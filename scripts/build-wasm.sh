#!/usr/bin/env bash
# Reproducible, optimized CosmWasm artifacts for the SPICE suite.
#
#   scripts/build-wasm.sh             build every contracts/* crate and the cw20-base
#                                     reference into artifacts/, check them, print sizes
#   scripts/build-wasm.sh --verify    build twice from scratch (fresh target dirs), from
#                                     copies of the tree in two different directories, and
#                                     fail unless both checksums.txt are identical
#   scripts/build-wasm.sh --no-reference   skip the cw20-base reference artifact
#   scripts/build-wasm.sh --locked    pass --locked to cargo (CI: fail if Cargo.lock is stale)
#   scripts/build-wasm.sh --contract spice-token [--contract …]
#                                     only these contract crates (combines with the others)
#
# Outputs:
#   artifacts/<crate_name>.wasm           one per contract, crate name with underscores
#   artifacts/reference/cw20_base.wasm    cw20-base 2.0.0 built through the same pipeline
#   artifacts/checksums.txt               sha256sum format, sorted by path
#
# On a fresh Debian 12 machine (as root) it installs what it needs: Debian's rustc-web
# 1.96 with rust-src (std is rebuilt for an MVP-only wasm target with -Zbuild-std, as no
# wasm32 std can be downloaded through rustup here), binaryen (wasm-opt), lld-22 and
# cosmwasm-check. Where rustup has the wasm32-unknown-unknown target installed, that
# toolchain is used instead and std is not rebuilt.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/log.sh
source "$ROOT/scripts/lib/log.sh"

readonly WASM_TARGET="wasm32-unknown-unknown"
# Separate from the host target dir so host builds/tests are not invalidated by our
# RUSTFLAGS and vice versa.
readonly TARGET_DIR="$ROOT/target/wasm"
readonly ARTIFACTS="$ROOT/artifacts"
readonly REFERENCE_DIR="$ROOT/target/reference"

# wasmd's default code size limit; Osmosis allows 3 MiB but we keep to the default so the
# contracts deploy on any wasmd chain (and gov proposals stay small).
readonly MAX_WASM_BYTES=819200
# What Osmosis (wasmd 0.53 / wasmvm 2.2) advertises; an artifact requiring more is rejected
# at upload time, so we reject it here.
readonly OSMOSIS_CAPABILITIES="iterator,staking,stargate,cosmwasm_1_1,cosmwasm_1_2,cosmwasm_1_3,cosmwasm_1_4,cosmwasm_2_0"
readonly COSMWASM_CHECK_VERSION="2.3.6"

readonly CW20_BASE_VERSION="2.0.0"
# cw20-base 2.0.0's published lockfile pins cosmwasm-std 2.0.0, whose allocator path aborts
# under rustc 1.96 (dlmalloc 0.2.11) on the first call; our contracts use 2.3.6 too.
readonly CW20_BASE_COSMWASM_STD="2.3.6"

# Debian 12 route. bookworm (without updates) ships rustc 1.85; bookworm-security has the
# 1.96 "-web" packages. rustc-web makes /usr/bin/rust-lld a link to lld-22 without depending
# on it, so lld-22 is listed explicitly. ca-certificates: cargo fetches over HTTPS, and
# minimal images (docker's debian:12) have none.
readonly MIN_RUSTC="1.96.0"
readonly DEBIAN_PACKAGES=(rustc-web cargo-web rust-web-src binaryen lld-22 ca-certificates)

# Filled by select_toolchain.
MODE=""
CARGO_BIN=""
RUSTC_BIN=""
RUST_SRC=""
BUILD_STD_ARGS=()
CARGO_EXTRA_ARGS=()
# --contract NAME (repeatable): build only these crates; empty means all.
ONLY_CONTRACTS=()

usage() {
  # The header comment, up to the first line that is not a comment.
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
}

# ---------------------------------------------------------------------------------------
# Toolchain installation and selection
# ---------------------------------------------------------------------------------------

version_at_least() { # version_at_least HAVE WANT
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

rustc_version_of() { # rustc_version_of /path/to/rustc -> "1.96.0" or ""
  "$1" --version 2>/dev/null | awk '{print $2}' | sed 's/-.*//'
}

debian_package_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

# Installs the Debian packages that are missing. Idempotent: no apt-get at all when
# everything is present.
ensure_debian_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    debian_package_installed "$pkg" || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0

  command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get: install them by hand"
  [ "$(id -u)" -eq 0 ] || die "missing Debian packages ${missing[*]}: run as root or install them"
  log "installing ${missing[*]}"
  # update FIRST: with a stale package list Debian resolves rustc-web to 1.85.
  DEBIAN_FRONTEND=noninteractive apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
}

debian_rustc_ok() {
  [ -x /usr/bin/rustc ] && version_at_least "$(rustc_version_of /usr/bin/rustc)" "$MIN_RUSTC"
}

ensure_debian_rust() {
  ensure_debian_packages "${DEBIAN_PACKAGES[@]}"
  debian_rustc_ok || die "/usr/bin/rustc is $(rustc_version_of /usr/bin/rustc), need >= $MIN_RUSTC" \
    "(is bookworm-security in the apt sources?)"
}

rustup_has_wasm_target() {
  command -v rustup >/dev/null &&
    (cd "$ROOT" && rustup target list --installed 2>/dev/null) | grep -qx "$WASM_TARGET"
}

select_toolchain() {
  if rustup_has_wasm_target; then
    MODE="rustup"
    CARGO_BIN="$(cd "$ROOT" && rustup which cargo)"
    RUSTC_BIN="$(cd "$ROOT" && rustup which rustc)"
    RUST_SRC="$("$RUSTC_BIN" --print sysroot)/lib/rustlib/src/rust"
    BUILD_STD_ARGS=()
    command -v wasm-opt >/dev/null || ensure_debian_packages binaryen
  else
    MODE="debian-build-std"
    ensure_debian_rust
    CARGO_BIN="/usr/bin/cargo"
    RUSTC_BIN="/usr/bin/rustc"
    RUST_SRC="$("$RUSTC_BIN" --print sysroot)/lib/rustlib/src/rust"
    [ -d "$RUST_SRC/library" ] || die "no std sources at $RUST_SRC (package rust-web-src)"
    # std must be rebuilt: Debian ships no wasm32 std, and a prebuilt one would carry
    # post-MVP instructions (bulk memory, sign-ext…) that CosmWasm VMs reject.
    BUILD_STD_ARGS=("-Zbuild-std=std,panic_abort")
  fi
  command -v wasm-opt >/dev/null || die "wasm-opt not found (package binaryen)"
  log "toolchain: $MODE, $("$RUSTC_BIN" --version), $("$CARGO_BIN" --version), $(wasm-opt --version)"
}

# cosmwasm-check 2.3.6 needs rustc >= 1.96 to build; rustup's stable may be older, so it is
# built with Debian's toolchain unless rustup's is new enough.
ensure_cosmwasm_check() {
  export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
  # It prints "Contract checking <version>".
  if [ "$(cosmwasm-check --version 2>/dev/null | awk '{print $NF}')" = "$COSMWASM_CHECK_VERSION" ]; then
    return 0
  fi
  local rustc="" cargo=""
  if debian_rustc_ok; then
    rustc=/usr/bin/rustc cargo=/usr/bin/cargo
  elif command -v rustup >/dev/null &&
    version_at_least "$(rustc_version_of "$(rustup which rustc)")" "$MIN_RUSTC"; then
    rustc="$(rustup which rustc)" cargo="$(rustup which cargo)"
  else
    ensure_debian_rust
    rustc=/usr/bin/rustc cargo=/usr/bin/cargo
  fi
  log "installing cosmwasm-check $COSMWASM_CHECK_VERSION (takes minutes)"
  RUSTC="$rustc" "$cargo" install --locked cosmwasm-check --version "$COSMWASM_CHECK_VERSION"
}

# ---------------------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------------------

# RUSTFLAGS for the wasm target only (with --target, host build scripts/proc-macros don't
# see them). CARGO_ENCODED_RUSTFLAGS wins over any RUSTFLAGS/config the caller may have.
wasm_rustflags() {
  local cargo_home="${CARGO_HOME:-$HOME/.cargo}"
  local flags=(
    # rustc >= 1.96 no longer passes --allow-undefined to wasm-ld; CosmWasm imports
    # (db_read, addr_validate, …) are undefined symbols resolved by the VM.
    -C link-arg=--allow-undefined
    # CosmWasm VMs accept MVP wasm only.
    -C target-cpu=mvp
    # Reproducibility: absolute paths end up in panic locations. Rewrite every place
    # sources come from to a fixed prefix. When several prefixes match, rustc applies the
    # one given last, so the most specific come last.
    "--remap-path-prefix=$cargo_home=/cargo"
    "--remap-path-prefix=$RUST_SRC=/rust-src"
  )
  # rust-src is a symlink on Debian (to /usr/src/rustc-<version>); cargo may resolve it.
  if [ -d "$RUST_SRC" ]; then
    flags+=("--remap-path-prefix=$(readlink -f "$RUST_SRC")=/rust-src")
  fi
  flags+=("--remap-path-prefix=$ROOT=/code")
  local idx
  for idx in "$cargo_home"/registry/src/*/; do
    [ -d "$idx" ] && flags+=("--remap-path-prefix=${idx%/}=/cargo/registry/src")
  done
  local IFS=$'\x1f'
  printf '%s' "${flags[*]}"
}

# Runs cargo build for one package of the manifest at $1.
cargo_wasm_build() {
  local manifest="$1" package="$2"
  local env_args=(
    RUSTC="$RUSTC_BIN"
    CARGO_ENCODED_RUSTFLAGS="$(wasm_rustflags)"
  )
  # -Zbuild-std is unstable; Debian's stable cargo/rustc accept it with RUSTC_BOOTSTRAP.
  [ "$MODE" = debian-build-std ] && env_args+=(RUSTC_BOOTSTRAP=1)
  # Builds run from the manifest's dir so its .cargo/config (if any) applies as usual.
  (
    cd "$(dirname "$manifest")"
    env -u RUSTFLAGS -u CARGO_BUILD_RUSTFLAGS "${env_args[@]}" \
      "$CARGO_BIN" build --release --lib --target "$WASM_TARGET" \
      --target-dir "$TARGET_DIR" --manifest-path "$manifest" -p "$package" \
      "${BUILD_STD_ARGS[@]}" "${CARGO_EXTRA_ARGS[@]}"
  )
}

# `wasm-opt -Os` restricted to MVP features: input using anything newer fails here with a
# clear validation error instead of at upload time. Debug info and the producers section
# (toolchain build strings) are dropped.
optimize() {
  local input="$1" output="$2"
  mkdir -p "$(dirname "$output")"
  wasm-opt -Os --mvp-features --strip-debug --strip-producers "$input" -o "$output"
}

# Prints "<package name> <manifest>" for every contract crate. Crate names are read from the
# [package] table, so the directory name does not matter.
discover_contracts() {
  local manifest name
  for manifest in "$ROOT"/contracts/*/Cargo.toml; do
    [ -f "$manifest" ] || continue
    name="$(awk '
      /^\[/ { in_pkg = ($0 == "[package]") }
      in_pkg && /^name[[:space:]]*=/ { gsub(/.*=[[:space:]]*"|".*/, ""); print; exit }
    ' "$manifest")"
    [ -n "$name" ] || die "$manifest: no [package] name"
    grep -q '"cdylib"' "$manifest" || die "$manifest: [lib] crate-type must include \"cdylib\""
    printf '%s %s\n' "$name" "$manifest"
  done
}

build_contracts() {
  local contracts name manifest file
  contracts="$(discover_contracts)"
  if [ "${#ONLY_CONTRACTS[@]}" -gt 0 ]; then
    local wanted selected=""
    for wanted in "${ONLY_CONTRACTS[@]}"; do
      grep -q "^$wanted " <<<"$contracts" || die "--contract $wanted: no such crate under contracts/*"
      selected+="$(grep "^$wanted " <<<"$contracts")"$'\n'
    done
    contracts="${selected%$'\n'}"
  fi
  if [ -z "$contracts" ]; then
    warn "no contract crates under contracts/*: only the reference artifact is built"
    return 0
  fi
  # One cargo invocation per contract, never `-p a -p b`: cargo unifies features across the
  # packages of one invocation, so a contract depended on with feature "library" by another
  # would lose its entry points.
  while read -r name manifest; do
    log "building $name"
    cargo_wasm_build "$manifest" "$name"
    file="${name//-/_}.wasm"
    optimize "$TARGET_DIR/$WASM_TARGET/release/$file" "$ARTIFACTS/$file"
  done <<<"$contracts"
}

# The section [profile.release] of the root Cargo.toml, so the reference is built exactly
# like our contracts.
release_profile() {
  awk '
    /^\[/ { in_prof = ($0 == "[profile.release]") }
    in_prof && !/^[[:space:]]*(#|$)/ { print }
  ' "$ROOT/Cargo.toml"
}

# cw20-base from crates.io (never vendored in this repo): fetched through a throwaway
# manifest, unpacked from the registry cache, made its own workspace with our release
# profile, cosmwasm-std lifted to the version we use, then built like a contract.
build_reference() {
  local fetch_dir="$REFERENCE_DIR/fetch" src="$REFERENCE_DIR/cw20-base"
  local cargo_home="${CARGO_HOME:-$HOME/.cargo}" crate_file

  log "building reference cw20-base $CW20_BASE_VERSION"
  rm -rf "$fetch_dir" "$src"
  mkdir -p "$fetch_dir/src"
  cat >"$fetch_dir/Cargo.toml" <<EOF
[package]
name = "cw20-base-fetch"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
cw20-base = "=$CW20_BASE_VERSION"
EOF
  : >"$fetch_dir/src/lib.rs"
  (cd "$fetch_dir" && RUSTC="$RUSTC_BIN" "$CARGO_BIN" fetch -q)

  crate_file="$(find "$cargo_home/registry/cache" -name "cw20-base-$CW20_BASE_VERSION.crate" -print -quit)"
  [ -n "$crate_file" ] || die "cw20-base-$CW20_BASE_VERSION.crate not in $cargo_home/registry/cache after cargo fetch"
  tar -xzf "$crate_file" -C "$REFERENCE_DIR"
  mv "$REFERENCE_DIR/cw20-base-$CW20_BASE_VERSION" "$src"
  # Its .cargo/config only holds aliases; dropped so nothing but our settings applies.
  rm -rf "$src/.cargo"
  {
    printf '\n[workspace]\n\n'
    release_profile
  } >>"$src/Cargo.toml"
  (cd "$src" && RUSTC="$RUSTC_BIN" "$CARGO_BIN" update -q -p cosmwasm-std --precise "$CW20_BASE_COSMWASM_STD")

  # Not passing --locked here: the lockfile was just edited on purpose.
  local saved=("${CARGO_EXTRA_ARGS[@]}")
  CARGO_EXTRA_ARGS=()
  cargo_wasm_build "$src/Cargo.toml" cw20-base
  CARGO_EXTRA_ARGS=("${saved[@]}")
  optimize "$TARGET_DIR/$WASM_TARGET/release/cw20_base.wasm" "$ARTIFACTS/reference/cw20_base.wasm"
}

# ---------------------------------------------------------------------------------------
# Checks and reporting
# ---------------------------------------------------------------------------------------

list_artifacts() { # paths relative to artifacts/, sorted
  (cd "$ARTIFACTS" && find . -name '*.wasm' -type f | sed 's|^\./||' | LC_ALL=C sort)
}

write_checksums() {
  (cd "$ARTIFACTS" && list_artifacts | xargs -r sha256sum) >"$ARTIFACTS/checksums.txt"
}

check_artifacts() {
  local rel size failed=0
  while read -r rel; do
    size="$(stat -c %s "$ARTIFACTS/$rel")"
    if [ "$size" -gt "$MAX_WASM_BYTES" ]; then
      err "$rel is $size bytes, over the $MAX_WASM_BYTES byte limit"
      failed=1
    fi
    if ! cosmwasm-check --available-capabilities "$OSMOSIS_CAPABILITIES" "$ARTIFACTS/$rel" >"$TARGET_DIR/cosmwasm-check.log" 2>&1; then
      cat "$TARGET_DIR/cosmwasm-check.log" >&2
      err "$rel fails cosmwasm-check with Osmosis' capabilities"
      failed=1
    fi
  done < <(list_artifacts)
  return "$failed"
}

print_table() {
  local rel size
  printf '\n%-40s %10s %9s\n' "artifact" "bytes" "KiB"
  printf '%-40s %10s %9s\n' "--------" "-----" "---"
  while read -r rel; do
    size="$(stat -c %s "$ARTIFACTS/$rel")"
    printf '%-40s %10d %9.1f\n' "$rel" "$size" "$(awk -v b="$size" 'BEGIN { print b / 1024 }')"
  done < <(list_artifacts)
  printf '(limit %d bytes = %d KiB)\n\n' "$MAX_WASM_BYTES" $((MAX_WASM_BYTES / 1024))
}

# ---------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------

build_all() {
  local with_reference="$1"
  local started=$SECONDS
  select_toolchain
  ensure_cosmwasm_check
  # A full build starts from an empty artifacts/ so nothing stale survives; with --contract
  # the other artifacts are kept (and stay in checksums.txt).
  [ "${#ONLY_CONTRACTS[@]}" -eq 0 ] && rm -rf "$ARTIFACTS"
  mkdir -p "$ARTIFACTS" "$TARGET_DIR"
  build_contracts
  [ "$with_reference" = 1 ] && build_reference
  [ -n "$(list_artifacts)" ] || die "no artifacts were built"
  write_checksums
  print_table
  check_artifacts || die "artifact checks failed"
  log "all artifacts pass cosmwasm-check ($OSMOSIS_CAPABILITIES) and the size limit"
  log "checksums in ${ARTIFACTS#"$ROOT/"}/checksums.txt; took $((SECONDS - started))s"
}

# Two builds from one snapshot of the tree, in two directories with paths of different
# lengths, each with a fresh target dir: catches non-determinism and anything tied to where
# the checkout lives (absolute paths). Snapshotting once means edits made to the working
# tree while the builds run cannot cause a false alarm. On success the first build's
# artifacts are copied to artifacts/.
verify() {
  local args=("$@") work status=0
  work="$(mktemp -d /tmp/spice-verify.XXXXXX)"
  # shellcheck disable=SC2064 # expand now: the path is fixed
  trap "rm -rf '$work'" EXIT
  local first="$work/a" second="$work/second-build-dir"
  mkdir -p "$first" "$second"

  tar -C "$ROOT" --exclude=./target --exclude=./artifacts --exclude=./.git \
    --exclude=node_modules -cf "$work/tree.tar" .
  tar -C "$first" -xf "$work/tree.tar"
  tar -C "$second" -xf "$work/tree.tar"

  log "verify: build 1 of 2 in $first"
  "$first/scripts/build-wasm.sh" "${args[@]}"
  log "verify: build 2 of 2 in $second"
  "$second/scripts/build-wasm.sh" "${args[@]}"

  if diff -u "$first/artifacts/checksums.txt" "$second/artifacts/checksums.txt"; then
    # Same rule as a build: a full run replaces artifacts/, --contract adds to it.
    [ "${#ONLY_CONTRACTS[@]}" -eq 0 ] && rm -rf "$ARTIFACTS"
    mkdir -p "$ARTIFACTS"
    cp -r "$first/artifacts/." "$ARTIFACTS/"
    write_checksums
    log "verify: OK, both builds are byte-identical; artifacts copied to ${ARTIFACTS#"$ROOT/"}/"
    cat "$ARTIFACTS/checksums.txt"
  else
    err "verify: checksums differ between the two builds (diff above)"
    status=1
  fi
  return "$status"
}

main() {
  local verify_mode=0 with_reference=1 forward=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --verify) verify_mode=1 ;;
      --no-reference) with_reference=0; forward+=("$1") ;;
      --locked) CARGO_EXTRA_ARGS+=(--locked); forward+=("$1") ;;
      --contract)
        [ $# -ge 2 ] || die "--contract needs a crate name"
        ONLY_CONTRACTS+=("$2"); forward+=("$1" "$2"); shift ;;
      -h | --help) usage; exit 0 ;;
      *) usage >&2; die "unknown argument: $1" ;;
    esac
    shift
  done
  if [ "$verify_mode" = 1 ]; then
    verify "${forward[@]}"
  else
    build_all "$with_reference"
  fi
}

# Sourcing the script (tests, debugging) defines the functions without running anything.
# The explicit exit stops bash from reading on: editing this file (git checkout) during a
# build cannot make the running shell execute the new text.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main "$@"
  exit 0
fi
