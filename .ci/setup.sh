#!/usr/bin/env bash
# Installs everything tscni needs on a fresh Debian machine with Node >= 20 and npm,
# as root: the host tools the plugins and tests drive, then the pnpm workspace.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(iproute2 iptables nftables iputils-ping util-linux procps strace containernetworking-plugins openssl etcd-server etcd-client podman runc)
missing=()
for p in "${packages[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # etcd-server would start a system etcd on install; cluster-ipam's tests start their own
  # members in throwaway netns and must never meet one. A policy-rc.d denies the start.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Whatever started a system etcd before (an older install, a boot): disabled and stopped
# through its own service manager (by its pid file, never by process name).
if dpkg-query -W -f='${Status}' etcd-server 2>/dev/null | grep -q "install ok installed"; then
  if [ -d /run/systemd/system ]; then
    systemctl disable --now etcd >/dev/null 2>&1 || true
  else
    update-rc.d etcd disable >/dev/null 2>&1 || true
    if [ -e /run/etcd.pid ]; then /etc/init.d/etcd stop >/dev/null 2>&1 || true; fi
  fi
fi

# pnpm comes pinned through packageManager; npx fetches that exact version.
npx -y pnpm@12.4.2 install --frozen-lockfile --reporter=append-only >&2
