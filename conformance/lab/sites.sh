#!/bin/bash
# Emulated hardware VTEP sites with a real VXLAN data plane, for the data-plane test
# and the demo. Each site n is a network namespace ${P}s<n> running ovs-vswitchd and
# the OVS VTEP emulator (ovs-vtep, userspace datapath, run through vtep-emulator.py so
# that it honours Physical_Locator.tunnel_key as hardware VTEPs do), with its own
# ovsdb-server (Open_vSwitch + hardware_vtep) in the root namespace on the unix socket
# $LAB_BASE/site<n>/run/db.sock, and on tcp:127.0.0.1:$((TCP_PORT_BASE + n)) when
# TCP_PORT_BASE is set. The remote tables are left empty: l2bgw
# writes them. Sites share an underlay bridge in ${P}ul (10.200.0.<n>/24).
#
# Hosts: host n lives in ${P}h<n> with MAC 02:00:00:00:0<n>:01, IP 10.0.0.<n>/24,
# plugged into site n's physical port p<n>. With 3 sites, site 3 has a second port m3
# leading to a parked link that `move-host` gives to host 2, so host 2's MAC and IP move
# there.
#
#   sites.sh up            build SITES sites (2 or 3)
#   sites.sh move-host     host 2 leaves site 2 and appears at site 3 (same MAC and IP)
#   sites.sh status        remote/local MACs per site
#   sites.sh down          stop what up started (by pidfile), delete the namespaces
#
# env: LAB_BASE (state dir), P (namespace prefix), SITES (2|3), TCP_PORT_BASE (optional),
#      VNI_1..VNI_3 (Logical_Switch ls0 tunnel_key per site, default 5000: a site with
#      another VNI for the same network is reached through locators with a tunnel_key).
# Every packet stays inside the namespaces made here; 10.0.0.0/24 and 10.200.0.0/24
# exist only there.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
BASE=${LAB_BASE:-/tmp/l2bgw-lab}
P=${P:-l2bgw-}
SITES=${SITES:-2}
TCP_PORT_BASE=${TCP_PORT_BASE:-}
SCHEMA_DIR=/usr/share/openvswitch
VTEP_EMULATOR=$HERE/vtep-emulator.py
NETTOOL="/usr/bin/python3 $HERE/nettool.py"

site_env() {
    local d=$BASE/site$1
    export OVS_RUNDIR=$d/run OVS_DBDIR=$d/db OVS_LOGDIR=$d/log OVS_SYSCONFDIR=$d/etc
}
# run a command for site n inside its namespace with its environment
sx() { local n=$1; shift; ( site_env "$n"; ip netns exec ${P}s$n "$@" ); }

wait_for() {
    local tries=$1; shift
    for ((i = 0; i < tries; i++)); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
    echo "timeout waiting for: $*" >&2; return 1
}

host_mac() { echo "02:00:00:00:0$1:01"; }

up_netns() {
    ip netns add ${P}ul; ip -n ${P}ul link set lo up
    ip -n ${P}ul link add br0 type bridge; ip -n ${P}ul link set br0 up
    local n
    for ((n = 1; n <= SITES; n++)); do
        ip netns add ${P}s$n; ip -n ${P}s$n link set lo up
        ip link add ul$n netns ${P}s$n type veth peer name u$n netns ${P}ul
        ip -n ${P}ul link set u$n master br0; ip -n ${P}ul link set u$n up
        ip -n ${P}s$n link set ul$n up
    done
    for ((n = 1; n <= SITES; n++)); do
        ip netns add ${P}h$n; ip -n ${P}h$n link set lo up
        ip link add eth0 netns ${P}h$n type veth peer name p$n netns ${P}s$n
        ip -n ${P}s$n link set p$n up
        ip -n ${P}h$n link set eth0 address "$(host_mac $n)" mtu 1450 up
        ip -n ${P}h$n addr add 10.0.0.$n/24 dev eth0
        ip netns exec ${P}h$n $NETTOOL txoff eth0
    done
    if [ "$SITES" -ge 3 ]; then
        # Site 3's port m3 leads to a parked link that host 2 takes when it moves (a link
        # with host 2's MAC inside host 2 before then would confuse its ARP).
        ip netns add ${P}park
        ip link add eth1 netns ${P}park type veth peer name m3 netns ${P}s3
        ip -n ${P}s3 link set m3 up
        ip -n ${P}park link set eth1 address "$(host_mac 2)" mtu 1450
        ip netns exec ${P}park $NETTOOL txoff eth1
    fi
}

up_site() {    # $1 = site number
    local n=$1 d=$BASE/site$1 tip=10.200.0.$1
    local vni_var=VNI_$1; local vni=${!vni_var:-5000}
    mkdir -p $d/run $d/db $d/log $d/etc
    rm -f $d/db/conf.db $d/db/vtep.db
    ovsdb-tool create $d/db/conf.db $SCHEMA_DIR/vswitch.ovsschema
    ovsdb-tool create $d/db/vtep.db $SCHEMA_DIR/vtep.ovsschema
    # ovs-vtep calls ovs-vsctl / vtep-ctl / ovs-ofctl with default targets, which follow
    # $OVS_RUNDIR: one server per site serves both databases on $d/run/db.sock.
    local tcp=(); [ -n "$TCP_PORT_BASE" ] && tcp=(--remote=ptcp:$((TCP_PORT_BASE + n)):127.0.0.1)
    ( site_env $n; ovsdb-server $d/db/conf.db $d/db/vtep.db \
        --remote=punix:$d/run/db.sock "${tcp[@]}" \
        --pidfile=$d/run/ovsdb-server.pid --unixctl=$d/run/ovsdb-server.ctl \
        --log-file=$d/log/ovsdb-server.log --detach --no-chdir -vconsole:err )
    wait_for 50 test -S $d/run/db.sock
    sx $n ovs-vsctl --no-wait init
    sx $n ovs-vswitchd unix:$d/run/db.sock --pidfile=$d/run/ovs-vswitchd.pid \
        --unixctl=$d/run/ovs-vswitchd.ctl --log-file=$d/log/ovs-vswitchd.log --detach --no-chdir -vconsole:err
    # userspace VXLAN needs the tunnel address on an OVS bridge holding the underlay link
    sx $n ovs-vsctl add-br br-ul -- set Bridge br-ul datapath_type=netdev -- add-port br-ul ul$n
    wait_for 50 sx $n ip link show br-ul
    sx $n ip addr add $tip/24 dev br-ul
    sx $n ip link set br-ul up
    local ports=p$n
    [ "$n" = 3 ] && ports="p3 m3"
    sx $n ovs-vsctl add-br ps$n -- set Bridge ps$n datapath_type=netdev
    sx $n vtep-ctl add-ps ps$n -- set Physical_Switch ps$n tunnel_ips=$tip
    local port
    for port in $ports; do sx $n ovs-vsctl add-port ps$n $port; sx $n vtep-ctl add-port ps$n $port; done
    # EVPN ingress replication: the switch copies BUM traffic to every remote VTEP itself
    # (source_node); the default (service_node) sends it to one locator only.
    sx $n vtep-ctl add-ls ls0 -- set Logical_Switch ls0 tunnel_key=$vni replication_mode=source_node
    for port in $ports; do sx $n vtep-ctl bind-ls ps$n $port 0 ls0; done
    sx $n /usr/bin/python3 $VTEP_EMULATOR ps$n --pidfile=$d/run/ovs-vtep.pid \
        --log-file=$d/log/ovs-vtep.log --detach --no-chdir
    wait_for 50 test -s $d/run/ovs-vtep.pid
}

do_up() {
    if ip netns list | grep -q "^${P}"; then
        echo "${P}* namespaces already exist; run '$0 down' first" >&2; return 1
    fi
    up_netns || return 1
    local n
    for ((n = 1; n <= SITES; n++)); do up_site $n || return 1; done
    # Resolve the underlay neighbours before any tunnel is used: the userspace datapath
    # learns them (tnl/neigh) from ARP it sees, and drops tunnelled packets until then.
    local m
    for ((n = 1; n <= SITES; n++)); do
        for ((m = 1; m <= SITES; m++)); do
            [ $n = $m ] || ip netns exec ${P}s$n $NETTOOL ping 10.200.0.$m 1 0.5 >/dev/null
        done
    done
    echo "lab up: $SITES sites under $BASE, hardware_vtep on $BASE/site<n>/run/db.sock${TCP_PORT_BASE:+ and tcp:127.0.0.1:$((TCP_PORT_BASE + 1))..$((TCP_PORT_BASE + SITES))}"
}

do_move_host() {
    [ "$SITES" -ge 3 ] || { echo "move-host needs SITES=3" >&2; return 1; }
    ip -n ${P}park link set eth1 netns ${P}h2
    ip -n ${P}h2 link set eth0 down
    ip -n ${P}h2 addr del 10.0.0.2/24 dev eth0
    ip -n ${P}h2 addr add 10.0.0.2/24 dev eth1
    ip -n ${P}h2 link set eth1 up
    sleep 0.2
    ip netns exec ${P}h2 $NETTOOL garp eth1 10.0.0.2
}

do_status() {
    local n
    for ((n = 1; n <= SITES; n++)); do
        echo "===== site $n"
        sx $n vtep-ctl list-remote-macs ls0; sx $n vtep-ctl list-local-macs ls0
    done
}

kill_pids() {   # SIGTERM the processes recorded in these pidfiles (only if they are ours), then SIGKILL
    local f p pids=()
    for f in "$@"; do
        [ -s "$f" ] || continue
        p=$(cat "$f")
        if kill -0 "$p" 2>/dev/null && tr '\0' ' ' </proc/$p/cmdline | grep -q -- "$BASE/site"; then
            kill "$p" && pids+=("$p")
        fi
        rm -f "$f"
    done
    for ((i = 0; i < 50 && ${#pids[@]}; i++)); do
        local alive=()
        for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive+=("$p"); done
        pids=("${alive[@]}"); [ ${#pids[@]} = 0 ] && break; sleep 0.1
    done
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
    return 0
}

do_down() {
    local n
    for n in 1 2 3; do kill_pids $BASE/site$n/run/ovs-vtep.pid; done
    for n in 1 2 3; do kill_pids $BASE/site$n/run/ovs-vswitchd.pid $BASE/site$n/run/ovsdb-server.pid; done
    for ns in $(ip netns list | awk '{print $1}' | grep "^${P}"); do ip netns del "$ns"; done
    return 0
}

case ${1:-} in
    up) do_up ;;
    move-host) do_move_host ;;
    status) do_status ;;
    down) do_down ;;
    *) echo "usage: $0 up|move-host|status|down" >&2; exit 2 ;;
esac
