#!/usr/bin/env bash
# What the test suite needs beyond Python packages, installed the same way for
# `make test` and for CI (.ci/run calls `make test`, which calls this).
#  - redis-server: the tests start their own on a free port, never touching another Redis.
#  - chromium: the console's browser tests drive Debian's Chromium (never a downloaded build).
#  - faketime: clock tests run a process whose clock is wrong, as a drifting host's is.
set -euo pipefail

missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v faketime >/dev/null || missing+=(faketime)
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing what the tests need: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null; then
  sudo=(sudo)
else
  echo "error: ${missing[*]} missing and no root: run 'apt-get install ${missing[*]}' as root" >&2
  exit 1
fi
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
