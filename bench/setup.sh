#!/usr/bin/env bash
# Set-up of the benchmarks (run by `make bench`): Debian's nginx and wrk, and one virtualenv per
# peer under bench/.peers/ from the pinned bench/peers/<peer>.txt (re-created when that file changes).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v wrk >/dev/null || missing+=(wrk)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v chromium >/dev/null || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing from Debian: ${missing[*]}"
  apt-get update -qq
  # nginx's package tries to start the system service; the benchmark runs its own instance
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

for req in bench/peers/*.txt; do
  peer=$(basename "$req" .txt)
  venv="bench/.peers/$peer"
  if [ -f "$venv/.installed" ] && cmp -s "$req" "$venv/.installed"; then
    continue
  fi
  echo "installing peer $peer into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet -r "$req"
  cp "$req" "$venv/.installed"
done
