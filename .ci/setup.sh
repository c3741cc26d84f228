#!/usr/bin/env bash
# Installs everything tscni needs on a fresh Debian machine with Node >= 20 and npm,
# as root: the host tools the plugins and tests drive, then the pnpm workspace.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(iproute2 iptables nftables iputils-ping util-linux procps strace containernetworking-plugins)
missing=()
for p in "${packages[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# pnpm comes pinned through packageManager; npx fetches that exact version.
npx -y pnpm@12.4.2 install --frozen-lockfile --reporter=append-only >&2
