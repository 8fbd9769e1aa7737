/**
 * The operator's side of l2bgwd: the config database (managed ovsdb-server under
 * data_dir unless `config_db` names one), the REST API on `api.listen`, and the manual
 * remote gateways, connections and MACs fed to the switches beside what BGP learned.
 * The gateway stays the owner of routes and sessions; the API asks it.
 */
import type { Logger } from 'pino';
import { loadOrCreateToken } from '../api/auth.js';
import { ConfigStore } from '../api/config-store.js';
import type { ManualConnectionEntry } from '../api/config-store.js';
import { ManagedConfigDb } from '../api/managed-config-db.js';
import { MetricsRegistry } from '../api/metrics.js';
import { startApiServer } from '../api/server.js';
import type { GatewayState, PeerView, RouteFilter, RouteView, VtepView } from '../api/state.js';
import { OvsdbVtepDirectory } from '../api/vtep-directory.js';
import type { Config } from '../config/types.js';
import type { Gateway } from './gateway.js';

/** The REST read side over the running gateway: sessions, routes, switches. */
export function gatewayState(g: Gateway): GatewayState {
  return {
    peers(): PeerView[] {
      const counts = new Map(g.rib.peerSummaries().map((p) => [p.address, p.prefixes]));
      const out = g.rib.adjRibOut().length;
      return g.peers().map((p) => ({
        address: p.address,
        remote_as: p.remoteAs,
        state: p.state,
        uptime: p.uptime ?? 0,
        prefixes_received: counts.get(p.address) ?? 0,
        prefixes_sent: p.state === 'Established' ? out : 0,
      }));
    },
    routes(filter: RouteFilter): RouteView[] {
      return g.routes(filter).flatMap((r): RouteView[] => {
        if (r.routeType !== 2 && r.routeType !== 3) return [];
        const view: RouteView = {
          type: r.routeType,
          vni: r.vni ?? 0,
          rd: r.rd,
          eth_tag: r.ethTag ?? 0,
          next_hop: r.nextHop ?? '',
          peer: r.peer,
          best: r.best,
          installed: r.installed,
          route_targets: r.routeTargets,
        };
        if (r.mac !== undefined) view.mac = r.mac;
        // Type 3 has no MAC; its IP is the originating router's (RFC 7432 §7.3).
        const ip = r.routeType === 2 ? r.ip : r.originator;
        if (ip !== undefined) view.ip = ip;
        if (r.notInstalledReason !== undefined) view.not_installed_reason = r.notInstalledReason;
        if (r.macMobility) view.mac_mobility_seq = r.macMobility.seq;
        return [view];
      });
    },
    vteps(): VtepView[] {
      return g.vteps().map((s) => {
        const v: VtepView = { switch: s.name, ovsdb: s.ovsdb, connected: s.connected, remote_macs: g.effectiveMacs(s.name) };
        if (s.lock) v.lock = s.lock;
        return v;
      });
    },
  };
}

/** Starts the REST API; returns its stop function, or an error message. */
export async function startApi(config: Config, gateway: Gateway, log: Logger): Promise<{ ok: true; stop: () => Promise<void> } | { ok: false; message: string }> {
  const api = config.api;
  if (!api) return { ok: true, stop: async () => {} };
  const token = await loadOrCreateToken(api.token_file);
  if (!token.ok) return { ok: false, message: token.message };

  let managed: ManagedConfigDb | undefined;
  let remote = config.config_db;
  if (!remote) {
    managed = new ManagedConfigDb({ dataDir: config.data_dir, log: log.child({ part: 'config-db' }) });
    const m = await managed.start();
    if (!m.ok) return { ok: false, message: `config database: ${m.message}` };
    remote = managed.remote;
  }
  const opened = await ConfigStore.open({ remote });
  if (!opened.ok) return { ok: false, message: `config database ${remote}: ${opened.error.message}` };
  const store = opened.value;

  // Names are read from each managed switch's own monitor: one connection per switch.
  const directory = new OvsdbVtepDirectory();
  for (const [name, sw] of gateway.managedSwitches()) {
    directory.add(name, { physicalSwitches: () => sw.tableRows('Physical_Switch'), logicalSwitches: () => sw.tableRows('Logical_Switch') });
  }

  const feed = (entries: readonly ManualConnectionEntry[]): void => gateway.setManual(entries);
  feed(store.manualState());
  const unsubscribe = store.onChange(feed);

  const metrics = new MetricsRegistry();
  gateway.setMetrics(metrics);
  // Reconcile lag: how long a switch has had changes waiting to be written (0 when none).
  const pendingSince = new Map<string, number>();
  const poll = setInterval(() => {
    const now = performance.now();
    // The writer's own count: a switch's whole status is not needed for one number.
    for (const [name, sw] of gateway.managedSwitches()) {
      if (sw.writerStats.pendingChanges > 0) {
        if (!pendingSince.has(name)) pendingSince.set(name, now);
      } else pendingSince.delete(name);
      const since = pendingSince.get(name);
      metrics.setReconcileLag(name, since === undefined ? 0 : (now - since) / 1000);
    }
  }, 2000);
  poll.unref();
  const server = await startApiServer({
    store, directory, state: gatewayState(gateway), metrics, token: token.token, log, host: api.listen.host, port: api.listen.port,
  });
  return {
    ok: true,
    stop: async () => {
      clearInterval(poll);
      unsubscribe();
      await server.app.close();
      await store.close();
      // The managed config database keeps running for the next start to adopt (DESIGN.md §4).
      managed?.release();
    },
  };
}
