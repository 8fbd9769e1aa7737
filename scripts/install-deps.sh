#!/usr/bin/env bash
# Installs what l2bgw needs on a fresh Debian machine: the real peers and switch
# database used by the tests and the demo (apt), and the npm packages (npm ci).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for cmd_pkg in /usr/lib/frr/bgpd:frr gobgpd:gobgpd ovsdb-server:openvswitch-common \
               vtep-ctl:openvswitch-vtep tshark:tshark ovs-vswitchd:openvswitch-switch ip:iproute2 \
               openssl:openssl; do
  cmd=${cmd_pkg%%:*} pkg=${cmd_pkg#*:}
  command -v "$cmd" >/dev/null 2>&1 || [ -x "$cmd" ] || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need[@]}"
fi
# frr's package may start its own daemons; tests run bgpd by hand on high ports only.
[ -f node_modules/.package-lock.json ] && cmp -s package-lock.json node_modules/.package-lock.json 2>/dev/null || npm ci --no-audit --no-fund
npm run --silent build
