/**
 * Prometheus metrics of the gateway (prom-client, one registry per daemon).
 * Other layers update them through the small `GatewayMetrics` interface so
 * they need not import prom-client; /metrics renders the registry.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the BGP, EVPN and VTEP layers report. */
export interface GatewayMetrics {
  /** Number of BGP sessions in each FSM state (RFC 4271 §8.2.2 names). */
  setSessions(byState: Readonly<Record<string, number>>): void;
  /** Routes received from / advertised to a peer. */
  routesIn(peer: string, count: number): void;
  routesOut(peer: string, count: number): void;
  /** Rows written to a VTEP switch's database. */
  rowsWritten(db: string, count: number): void;
  /** Latency of one OVSDB transaction. */
  observeOvsdbTransaction(db: string, seconds: number, ok: boolean): void;
  /** How long a switch has had changes waiting to be written (0 when none). */
  setReconcileLag(vtepSwitch: string, seconds: number): void;
}

export class MetricsRegistry implements GatewayMetrics {
  readonly registry = new Registry();
  private readonly sessions = new Gauge({ name: 'l2bgw_bgp_sessions', help: 'BGP sessions by state', labelNames: ['state'], registers: [this.registry] });
  private readonly routesInC = new Counter({ name: 'l2bgw_bgp_routes_in_total', help: 'Routes received per peer', labelNames: ['peer'], registers: [this.registry] });
  private readonly routesOutC = new Counter({ name: 'l2bgw_bgp_routes_out_total', help: 'Routes advertised per peer', labelNames: ['peer'], registers: [this.registry] });
  private readonly rows = new Counter({ name: 'l2bgw_ovsdb_rows_written_total', help: 'Rows written per OVSDB database', labelNames: ['db'], registers: [this.registry] });
  private readonly txn = new Histogram({
    name: 'l2bgw_ovsdb_transaction_seconds', help: 'OVSDB transaction latency', labelNames: ['db', 'result'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [this.registry],
  });
  private readonly lag = new Gauge({ name: 'l2bgw_reconcile_lag_seconds', help: 'How long the switch has had changes waiting to be written (0 when none)', labelNames: ['switch'], registers: [this.registry] });
  private readonly apiRequests = new Counter({ name: 'l2bgw_api_requests_total', help: 'REST requests by method and status', labelNames: ['method', 'status'], registers: [this.registry] });

  setSessions(byState: Readonly<Record<string, number>>): void {
    this.sessions.reset();
    for (const [state, n] of Object.entries(byState)) this.sessions.set({ state }, n);
  }

  routesIn(peer: string, count: number): void {
    this.routesInC.inc({ peer }, count);
  }

  routesOut(peer: string, count: number): void {
    this.routesOutC.inc({ peer }, count);
  }

  rowsWritten(db: string, count: number): void {
    this.rows.inc({ db }, count);
  }

  observeOvsdbTransaction(db: string, seconds: number, ok: boolean): void {
    this.txn.observe({ db, result: ok ? 'ok' : 'error' }, seconds);
  }

  setReconcileLag(vtepSwitch: string, seconds: number): void {
    this.lag.set({ switch: vtepSwitch }, seconds);
  }

  apiRequest(method: string, status: number): void {
    this.apiRequests.inc({ method, status: String(status) });
  }

  contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
