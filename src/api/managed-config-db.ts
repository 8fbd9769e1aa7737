/**
 * The managed config database: with no `config_db` in the config, l2bgwd
 * runs its own ovsdb-server for schema/l2bgw-config.ovsschema under
 * data_dir (files l2bgw-config.db, config.sock, config-db.pid,
 * config-db.ctl, config-db.log). The database file is created with
 * `ovsdb-tool create` on first start and converted when the schema changed
 * (`ovsdb-tool needs-conversion` / `convert`). A server left running by an
 * earlier run is adopted through its pidfile; a server that dies is started
 * again (backoff 0.5 s doubling to 8 s); stop() ends it.
 *
 * Clustered use (DESIGN §6): run the database as a Raft cluster and point
 * `config_db` at a member instead of using this class, e.g.
 *   ovsdb-tool create-cluster conf.db schema/l2bgw-config.ovsschema tcp:10.0.0.1:6641
 *   ovsdb-tool join-cluster conf.db L2bgw_Config tcp:10.0.0.2:6641 tcp:10.0.0.1:6641
 *   ovsdb-server conf.db --remote=ptcp:6640:10.0.0.1 ...
 * then `config_db: tcp:10.0.0.1:6640` on every speaker; each speaker's
 * monitor sees the others' changes.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';

const run = promisify(execFile);

/** The schema file, found beside the sources (src/api) or the build output (dist/src/api). */
export function defaultSchemaFile(): string {
  for (const rel of ['../../schema/l2bgw-config.ovsschema', '../../../schema/l2bgw-config.ovsschema']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  return fileURLToPath(new URL('../../schema/l2bgw-config.ovsschema', import.meta.url));
}

export interface ManagedConfigDbOptions {
  dataDir: string;
  log: Logger;
  schemaFile?: string;
  /** Executables (default from PATH). */
  ovsdbServer?: string;
  ovsdbTool?: string;
}

export type ManagedResult = { ok: true; adopted: boolean; pid: number } | { ok: false; message: string };

/** Whether `pid` runs and we may signal it; one we may not (EPERM) is not ours to manage. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(cond: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    if (await cond()) return true;
    await sleep(25);
  }
  return false;
}

export class ManagedConfigDb {
  readonly dbFile: string;
  readonly socketPath: string;
  readonly pidFile: string;
  readonly ctlPath: string;
  readonly logFile: string;
  private pidValue: number | undefined;
  private child: ChildProcess | undefined;
  private stopping = false;
  private watchTimer: ReturnType<typeof setInterval> | undefined;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private backoffMs = 500;
  private restarting = false;
  /** Times the server was started again after dying. */
  restarts = 0;

  constructor(private readonly opts: ManagedConfigDbOptions) {
    const dir = resolve(opts.dataDir);
    this.dbFile = join(dir, 'l2bgw-config.db');
    this.socketPath = join(dir, 'config.sock');
    this.pidFile = join(dir, 'config-db.pid');
    this.ctlPath = join(dir, 'config-db.ctl');
    this.logFile = join(dir, 'config-db.log');
  }

  /** The remote for ConfigStore. */
  get remote(): string {
    return `unix:${this.socketPath}`;
  }

  get pid(): number | undefined {
    return this.pidValue;
  }

  /** Adopt a running server or start one, and supervise it. */
  async start(): Promise<ManagedResult> {
    this.stopping = false;
    try {
      await mkdir(resolve(this.opts.dataDir), { recursive: true });
    } catch (e) {
      return { ok: false, message: `cannot create ${this.opts.dataDir}: ${(e as Error).message}` };
    }
    const running = await this.runningPid();
    if (running !== undefined && existsSync(this.socketPath)) {
      this.pidValue = running;
      this.opts.log.info({ pid: running }, 'config database: adopted the ovsdb-server of an earlier run');
      this.watch();
      return { ok: true, adopted: true, pid: running };
    }
    const prepared = await this.prepareDb();
    if (!prepared.ok) return prepared;
    const started = await this.spawnServer();
    if (!started.ok) return started;
    this.watch();
    return { ok: true, adopted: false, pid: started.pid };
  }

  /** Stop supervising and end the server. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.unwatch();
    const pid = this.pidValue;
    this.pidValue = undefined;
    this.child = undefined;
    if (pid === undefined) return;
    if (alive(pid)) process.kill(pid, 'SIGTERM');
    if (!(await waitFor(() => !alive(pid), 5000))) {
      process.kill(pid, 'SIGKILL');
      await waitFor(() => !alive(pid), 2000);
    }
    await this.cleanup();
  }

  /** Stop supervising and leave the server running for the next run to adopt. */
  release(): void {
    this.stopping = true;
    this.unwatch();
    this.child?.removeAllListeners('exit');
    this.child = undefined;
    this.pidValue = undefined;
  }

  private unwatch(): void {
    clearInterval(this.watchTimer);
    clearTimeout(this.restartTimer);
    this.watchTimer = undefined;
    this.restartTimer = undefined;
  }

  /** The pid in the pidfile, when that process is alive and is our ovsdb-server. */
  private async runningPid(): Promise<number | undefined> {
    const text = await readFile(this.pidFile, 'utf8').catch(() => '');
    const pid = Number(text.trim());
    if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return undefined;
    // A recycled pid must not be taken for our server.
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
    if (cmdline !== undefined && !(cmdline.includes('ovsdb-server') && cmdline.includes(this.dbFile))) return undefined;
    return pid;
  }

  private async prepareDb(): Promise<{ ok: true } | { ok: false; message: string }> {
    const tool = this.opts.ovsdbTool ?? 'ovsdb-tool';
    const schema = this.opts.schemaFile ?? defaultSchemaFile();
    try {
      if (!existsSync(this.dbFile)) {
        await run(tool, ['create', this.dbFile, schema]);
        this.opts.log.info({ file: this.dbFile }, 'config database: created');
      } else {
        const need = (await run(tool, ['needs-conversion', this.dbFile, schema])).stdout.trim();
        if (need === 'yes') {
          await run(tool, ['convert', this.dbFile, schema]);
          this.opts.log.info({ file: this.dbFile }, 'config database: converted to the current schema');
        }
      }
      return { ok: true };
    } catch (e) {
      return { ok: false, message: `config database ${this.dbFile}: ${(e as { stderr?: string }).stderr?.trim() || (e as Error).message}` };
    }
  }

  private async cleanup(): Promise<void> {
    for (const f of [this.socketPath, this.ctlPath, this.pidFile]) await unlink(f).catch(() => undefined);
  }

  private async spawnServer(): Promise<{ ok: true; pid: number } | { ok: false; message: string }> {
    await this.cleanup();
    const child = spawn(this.opts.ovsdbServer ?? 'ovsdb-server', [
      this.dbFile, `--remote=punix:${this.socketPath}`, `--unixctl=${this.ctlPath}`, `--pidfile=${this.pidFile}`,
      `--log-file=${this.logFile}`, '-vconsole:off',
    ], { stdio: 'ignore' });
    const spawnError = new Promise<string>((res) => child.once('error', (e) => res(e.message)));
    child.unref();
    const ready = await Promise.race([
      waitFor(() => existsSync(this.socketPath) || child.exitCode !== null, 10_000).then(() => existsSync(this.socketPath) ? '' : 'exited'),
      spawnError,
    ]);
    if (ready !== '' || child.pid === undefined) {
      if (child.pid !== undefined && alive(child.pid)) child.kill('SIGKILL');
      return { ok: false, message: `ovsdb-server did not start (${ready || 'no socket'}); see ${this.logFile}` };
    }
    this.child = child;
    this.pidValue = child.pid;
    child.once('exit', (code, signal) => this.onExit(child.pid as number, code, signal));
    this.opts.log.info({ pid: child.pid, socket: this.socketPath }, 'config database: ovsdb-server started');
    return { ok: true, pid: child.pid };
  }

  /** Adopted servers are not our children: poll them. */
  private watch(): void {
    this.watchTimer = setInterval(() => {
      const pid = this.pidValue;
      if (pid !== undefined && this.child === undefined && !alive(pid)) this.onExit(pid, null, null);
    }, 1000);
    this.watchTimer.unref();
  }

  private onExit(pid: number, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping || this.restarting || pid !== this.pidValue) return;
    this.child = undefined;
    this.pidValue = undefined;
    this.restarting = true;
    this.opts.log.warn({ pid, code, signal, retryMs: this.backoffMs }, 'config database: ovsdb-server exited; starting it again');
    this.restartTimer = setTimeout(() => void this.restart(), this.backoffMs);
  }

  private async restart(): Promise<void> {
    const r = await this.spawnServer();
    this.restarting = false;
    if (this.stopping) {
      if (r.ok) await this.stop();
      return;
    }
    if (r.ok) {
      this.restarts++;
      this.backoffMs = 500;
      return;
    }
    this.opts.log.error({ error: r.message }, 'config database: restart failed');
    this.backoffMs = Math.min(this.backoffMs * 2, 8000);
    this.restarting = true;
    this.restartTimer = setTimeout(() => void this.restart(), this.backoffMs);
  }
}
