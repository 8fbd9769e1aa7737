#!/usr/bin/env bash
# The main job: two sites joined at layer 2 by l2bgw, on loopback.
#
# Per site: an ovsdb-server holding a hardware_vtep database (Physical_Switch with a
# tunnel IP, Logical_Switch ls0 with VNI 5000, a port binding) and an l2bgwd. The two
# l2bgwd peer through a real FRR bgpd acting as route reflector (iBGP, the default),
# or directly over eBGP with --ebgp. The demo then adds local MACs at each site, shows
# them arrive at the other site, adds a manual remote MAC through the CLI, and stays up
# with the REST API on loopback until Ctrl-C, which stops everything it started.
#
#   ./scripts/demo.sh [--ebgp] [--no-install]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

MODE=ibgp INSTALL=1
for arg in "$@"; do
  case $arg in
    --ebgp) MODE=ebgp ;;
    --no-install) INSTALL=0 ;;
    *) echo "usage: $0 [--ebgp] [--no-install]" >&2; exit 2 ;;
  esac
done
[ $INSTALL = 1 ] && ./scripts/install-deps.sh

DEMO=$ROOT/var/demo
PIDS=()
say() { printf '\033[1m%s\033[0m\n' "$*"; }
note() { printf '    %s\n' "$*"; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

stop_all() {
  trap - INT TERM EXIT
  say "stopping everything the demo started"
  local p f
  # l2bgwd leaves its managed config database running for the next start to adopt;
  # the demo started it, so the demo stops it too.
  for f in "$DEMO"/l2bgw-*/config-db.pid; do [ -s "$f" ] && PIDS+=("$(cat "$f")"); done
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  note "done; state and logs are in $DEMO"
}
trap stop_all INT TERM EXIT

# wait_until TRIES CMD...: retry every 100 ms
wait_until() {
  local tries=$1; shift
  for _ in $(seq "$tries"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

rm -rf "$DEMO"; mkdir -p "$DEMO"

# ---------------------------------------------------------------- switches
start_switch() {   # $1 = site (a|b), $2 = tunnel ip
  local site=$1 tip=$2 d=$DEMO/vtep-$1
  mkdir -p "$d"
  ovsdb-tool create "$d/vtep.db" /usr/share/openvswitch/vtep.ovsschema
  ovsdb-server "$d/vtep.db" --remote=punix:"$d/db.sock" --unixctl="$d/ovsdb.ctl" \
    --pidfile="$d/ovsdb.pid" --log-file="$d/ovsdb.log" --detach --no-chdir -vconsole:off
  PIDS+=("$(cat "$d/ovsdb.pid")")
  vtep-ctl --db=unix:"$d/db.sock" add-ps "ps-$site" -- set Physical_Switch "ps-$site" tunnel_ips="$tip" \
    -- add-port "ps-$site" p1 -- add-ls ls0 -- set Logical_Switch ls0 tunnel_key=5000 replication_mode=source_node \
    -- bind-ls "ps-$site" p1 0 ls0
  note "site $site: switch ps-$site, tunnel IP $tip, logical switch ls0 (VNI 5000) on unix:$d/db.sock"
}
say "1. two hardware_vtep switches"
start_switch a 192.0.2.1
start_switch b 192.0.2.2
VTEP_A="vtep-ctl --db=unix:$DEMO/vtep-a/db.sock"
VTEP_B="vtep-ctl --db=unix:$DEMO/vtep-b/db.sock"

# ---------------------------------------------------------------- BGP
PORT_A=$(free_port) PORT_B=$(free_port) API_A=$(free_port) API_B=$(free_port) RR_PORT=$(free_port)
if [ $MODE = ibgp ]; then
  say "2. FRR bgpd as route reflector (AS 65000) on 127.0.0.1:$RR_PORT"
  d=$DEMO/rr; mkdir -p "$d"; chmod 755 "$d"; chown frr:frr "$d" 2>/dev/null || true
  cat > "$d/bgpd.conf" <<EOF
frr defaults datacenter
hostname rr
router bgp 65000
 bgp router-id 192.0.2.254
 bgp cluster-id 192.0.2.254
 no bgp ebgp-requires-policy
 neighbor 127.0.0.2 remote-as 65000
 neighbor 127.0.0.2 passive
 neighbor 127.0.0.3 remote-as 65000
 neighbor 127.0.0.3 passive
 address-family l2vpn evpn
  neighbor 127.0.0.2 activate
  neighbor 127.0.0.2 route-reflector-client
  neighbor 127.0.0.3 activate
  neighbor 127.0.0.3 route-reflector-client
 exit-address-family
EOF
  /usr/lib/frr/bgpd -Z -p "$RR_PORT" -l 127.0.0.1 -f "$d/bgpd.conf" --vty_socket "$d" \
    -i "$d/bgpd.pid" -d --log file:"$d/bgpd.log"
  wait_until 50 test -s "$d/bgpd.pid"
  PIDS+=("$(cat "$d/bgpd.pid")")
  AS_A=65000 AS_B=65000
  PEERS_A="    - { address: 127.0.0.1, remote_as: 65000, port: $RR_PORT, local_address: 127.0.0.2 }"
  PEERS_B="    - { address: 127.0.0.1, remote_as: 65000, port: $RR_PORT, local_address: 127.0.0.3 }"
  LISTEN_A="" LISTEN_B=""
else
  say "2. eBGP between the two gateways (AS 65001 and 65002)"
  AS_A=65001 AS_B=65002
  LISTEN_A="  listen: { host: 127.0.0.2, port: $PORT_A }"
  LISTEN_B="  listen: { host: 127.0.0.3, port: $PORT_B }"
  PEERS_A="    - { address: 127.0.0.3, remote_as: 65002, port: $PORT_B, local_address: 127.0.0.2 }"
  PEERS_B="    - { address: 127.0.0.2, remote_as: 65001, port: $PORT_A, local_address: 127.0.0.3, passive: true }"
fi

# ---------------------------------------------------------------- gateways
start_gateway() {   # $1 site, $2 router id, $3 AS, $4 listen line, $5 peers, $6 api port
  local site=$1 d=$DEMO/l2bgw-$1
  mkdir -p "$d"
  cat > "$d/l2bgwd.yaml" <<EOF
router_id: $2
local_as: $3
bgp:
$4
  hold_time: 30
  connect_retry: 2
  peers:
$5
vteps:
  - { switch: ps-$site, ovsdb: "unix:$DEMO/vtep-$site/db.sock" }
evpn:
  auto_vni: true
data_dir: $d
api:
  listen: { host: 127.0.0.1, port: $6 }
  token_file: $d/admin.token
log_level: info
EOF
  node bin/l2bgwd.js --config "$d/l2bgwd.yaml" > "$d/l2bgwd.log" 2>&1 &
  PIDS+=("$!")
  note "site $site: l2bgwd (router id $2, AS $3), REST on http://127.0.0.1:$6, log $d/l2bgwd.log"
}
say "3. one l2bgwd per site"
start_gateway a 192.0.2.1 $AS_A "$LISTEN_A" "$PEERS_A" "$API_A"
start_gateway b 192.0.2.2 $AS_B "$LISTEN_B" "$PEERS_B" "$API_B"
CLI_A="node bin/l2bgw.js --url http://127.0.0.1:$API_A --token-file $DEMO/l2bgw-a/admin.token"
CLI_B="node bin/l2bgw.js --url http://127.0.0.1:$API_B --token-file $DEMO/l2bgw-b/admin.token"

established() { grep -q '"msg":"l2bgwd started"' "$DEMO/l2bgw-$1/l2bgwd.log" && grep -q '"msg":"peer [^"]* up' "$DEMO/l2bgw-$1/l2bgwd.log"; }
t0=$(date +%s%N)
wait_until 300 established a && wait_until 300 established b \
  || { echo "BGP sessions did not come up; see $DEMO/*/l2bgwd.log" >&2; exit 1; }
note "BGP sessions Established after $(ms_since "$t0") ms"
$CLI_A bgp-peer-list

# ---------------------------------------------------------------- MACs cross
remote_has() { $1 list-remote-macs ls0 | grep -q "$2"; }
cross() {   # $1 from-site, $2 vtep-ctl of from, $3 vtep-ctl of to, $4 mac, $5 tunnel ip, $6 to-site
  local t=$(date +%s%N)
  $2 add-ucast-local ls0 "$4" "$5"
  note "site $1: vtep-ctl add-ucast-local ls0 $4 $5 (a MAC the switch learned)"
  if wait_until 200 remote_has "$3" "$4"; then
    note "site $6: $4 is in Ucast_Macs_Remote after $(ms_since "$t") ms:"
    $3 list-remote-macs ls0 | sed 's/^/      /'
  else
    echo "site $6 did not learn $4; see $DEMO/*/l2bgwd.log" >&2; exit 1
  fi
}
say "4. a MAC learned at site a appears at site b"
cross a "$VTEP_A" "$VTEP_B" 02:00:00:00:0a:01 192.0.2.1 b
say "5. and the reverse"
cross b "$VTEP_B" "$VTEP_A" 02:00:00:00:0b:01 192.0.2.2 a
say "6. EVPN routes at site a (like 'show bgp l2vpn evpn')"
$CLI_A evpn-route-list

say "7. a manual override at site a, through the CLI"
$CLI_A l2-remote-gateway-create dc3 198.51.100.7
$CLI_A l2-remote-gateway-connection-create ps-a ls0 dc3 --seg-id 5000 --flood True
CONN=$($CLI_A --format json l2-remote-gateway-connection-list | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)["remote-gateway-connections"][0].id))')
$CLI_A "l2-remote-mac-create" "02:00:00:00:0c:01;10.0.0.3" "$CONN"
wait_until 100 remote_has "$VTEP_A" 02:00:00:00:0c:01
note "site a now forwards 02:00:00:00:0c:01 to dc3 (198.51.100.7):"
$VTEP_A list-remote-macs ls0 | sed 's/^/      /'

say "The lab stays up. Try:"
note "$CLI_A bgp-peer-list"
note "$CLI_A evpn-route-list"
note "curl -H \"Authorization: Bearer \$(cat $DEMO/l2bgw-a/admin.token)\" http://127.0.0.1:$API_A/v2.0/vteps"
note "tail -f $DEMO/l2bgw-a/l2bgwd.log"
note "$VTEP_B add-ucast-local ls0 02:00:00:00:0b:02 192.0.2.2   # then look at site a"
note "Ctrl-C stops everything."
while true; do sleep 1; done
