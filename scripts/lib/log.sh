# shellcheck shell=bash
# Logging helpers shared by scripts/*.sh (source, don't execute).
# Messages go to stderr so stdout stays usable for data.

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
warn() { printf '\033[1;33mwarning:\033[0m %s\n' "$*" >&2; }
err() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; }
die() {
  err "$*"
  exit 1
}
