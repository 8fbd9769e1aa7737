/**
 * A real ovsdb-server for tests: a database file created from a schema with
 * ovsdb-tool in a temp dir, served on a unix socket and optionally on TCP at
 * 127.0.0.1 (port read back from the server, never fixed). Stop by PID only.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, readFile, unlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { alive, freePort, waitFor as waitForShared } from './process.js';

const run = promisify(execFile);

export const VTEP_SCHEMA = '/usr/share/openvswitch/vtep.ovsschema';

export interface OvsdbServerOptions {
  /** Schema file; default the hardware_vtep schema. */
  schema?: string;
  /** Also listen on ptcp:0:127.0.0.1 and report the bound port. */
  tcp?: boolean;
  /** Also listen on pssl at 127.0.0.1 with these PEM files (see makeTestPki). */
  ssl?: { keyFile: string; certFile: string; caFile: string };
  /**
   * A one-server Raft cluster instead of a standalone file: only clustered
   * databases give monitor_cond_since real transaction ids to resume from.
   */
  clustered?: boolean;
  /** Extra ovsdb-server arguments (e.g. another --remote). */
  extraArgs?: string[];
}

export interface OvsdbServer {
  readonly dir: string;
  readonly dbFile: string;
  readonly socketPath: string;
  /** `unix:` remote for the client. */
  readonly unixRemote: string;
  /** Bound TCP port of the current run (changes on restart), or undefined without `tcp`. */
  readonly tcpPort: number | undefined;
  /** `tcp:127.0.0.1:PORT`, or undefined without `tcp`. */
  readonly tcpRemote: string | undefined;
  /** `ssl:127.0.0.1:PORT`, or undefined without `ssl`. */
  readonly sslRemote: string | undefined;
  readonly pid: number | undefined;
  /** Stop the server: SIGTERM (default) or SIGKILL for fault tests. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Start again on the same file (after stop). Keeps the TCP port when it can. */
  restart(): Promise<void>;
  /** Stop and recreate an empty database from the schema, then start. */
  wipe(): Promise<void>;
  /** Make the server drop every client connection (`ovsdb-server/reconnect`). */
  dropClients(): Promise<void>;
  /** Run `ovsdb-client` against this server; returns stdout. */
  client(...args: string[]): Promise<string>;
  /** Stop and delete the temp dir. */
  dispose(): Promise<void>;
}

/** The servers answer fast: poll often, give up after 10 s. */
function waitFor(cond: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  return waitForShared(cond, what, ms, 20);
}

/** A throwaway CA with a server and a client certificate (SAN IP:127.0.0.1), made with openssl in `dir`. */
export async function makeTestPki(dir: string): Promise<{ caFile: string; server: { keyFile: string; certFile: string }; client: { keyFile: string; certFile: string } }> {
  const f = (n: string): string => join(dir, n);
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-subj', '/CN=l2bgw-test-ca', '-days', '1']);
  await writeFile(f('san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const n of ['server', 'client']) {
    await run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f(`${n}.key`), '-out', f(`${n}.csr`), '-subj', `/CN=${n}`]);
    await run('openssl', ['x509', '-req', '-in', f(`${n}.csr`), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f(`${n}.pem`), '-days', '1', '-extfile', f('san.ext')]);
  }
  return {
    caFile: f('ca.pem'),
    server: { keyFile: f('server.key'), certFile: f('server.pem') },
    client: { keyFile: f('client.key'), certFile: f('client.pem') },
  };
}

export async function startOvsdbServer(opts: OvsdbServerOptions = {}): Promise<OvsdbServer> {
  const schema = opts.schema ?? VTEP_SCHEMA;
  const dir = await mkdtemp(join(tmpdir(), 'l2bgw-ovsdb-'));
  const dbFile = join(dir, 'db.db');
  const socketPath = join(dir, 'db.sock');
  const ctl = join(dir, 'ovsdb.ctl');
  const pidFile = join(dir, 'ovsdb.pid');
  let pid: number | undefined;
  let tcpPort: number | undefined;
  const sslPort = opts.ssl ? await freePort() : undefined;

  const create = (): Promise<unknown> => opts.clustered
    ? run('ovsdb-tool', ['create-cluster', dbFile, schema, `unix:${join(dir, 'raft.sock')}`])
    : run('ovsdb-tool', ['create', dbFile, schema]);
  await create();

  async function start(): Promise<void> {
    // Fresh log per run: the bound TCP port is read back from it.
    await unlink(join(dir, 'ovsdb.log')).catch(() => undefined);
    const remotes = [`--remote=punix:${socketPath}`];
    // Reuse the previous port on restart so a client's remote stays valid.
    if (opts.tcp) remotes.push(`--remote=ptcp:${tcpPort ?? 0}:127.0.0.1`);
    if (opts.ssl) {
      remotes.push(`--remote=pssl:${sslPort}:127.0.0.1`, `--private-key=${opts.ssl.keyFile}`,
        `--certificate=${opts.ssl.certFile}`, `--ca-cert=${opts.ssl.caFile}`);
    }
    const child = spawn('ovsdb-server', [
      dbFile, ...remotes, `--unixctl=${ctl}`, `--pidfile=${pidFile}`,
      `--log-file=${join(dir, 'ovsdb.log')}`, '-vconsole:off', ...(opts.extraArgs ?? []),
    ], { stdio: 'ignore', detached: false });
    child.unref();
    if (child.pid === undefined) throw new Error('ovsdb-server did not start');
    pid = child.pid;
    await waitFor(() => existsSync(socketPath) && existsSync(ctl), 'ovsdb-server socket');
    if (opts.tcp) {
      await waitFor(async () => {
        // list-remotes shows only the configured "ptcp:0:…"; the bound port is in the log line "listening on port N".
        const log = await readFile(join(dir, 'ovsdb.log'), 'utf8').catch(() => '');
        const ports = [...log.matchAll(/listening on port (\d+)/g)].map((m) => Number(m[1])).filter((p) => p !== sslPort);
        if (ports.length === 0) return false;
        tcpPort = ports[0];
        return true;
      }, 'ovsdb-server tcp port');
    }
  }

  async function stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    if (pid === undefined) return;
    const p = pid;
    pid = undefined;
    if (alive(p)) process.kill(p, signal);
    await waitFor(() => !alive(p), 'ovsdb-server exit');
    // A killed server leaves its socket and pidfile behind.
    for (const f of [socketPath, ctl, pidFile, join(dir, 'raft.sock')]) await unlink(f).catch(() => undefined);
  }

  await start();

  const server: OvsdbServer = {
    dir, dbFile, socketPath,
    unixRemote: `unix:${socketPath}`,
    get tcpPort() { return tcpPort; },
    get tcpRemote() { return tcpPort === undefined ? undefined : `tcp:127.0.0.1:${tcpPort}`; },
    get sslRemote() { return sslPort === undefined ? undefined : `ssl:127.0.0.1:${sslPort}`; },
    get pid() { return pid; },
    stop,
    restart: async () => { await stop(); await start(); },
    wipe: async () => {
      await stop();
      await rm(dbFile, { force: true });
      await create();
      await start();
    },
    dropClients: async () => {
      await run('ovs-appctl', ['-t', ctl, 'ovsdb-server/reconnect']);
    },
    client: async (...args: string[]) => (await run('ovsdb-client', [...args.slice(0, 1), `unix:${socketPath}`, ...args.slice(1)])).stdout,
    dispose: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return server;
}
