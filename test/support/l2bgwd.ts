/**
 * The real l2bgwd binary for end-to-end tests (bin/l2bgwd.js imports dist/, which
 * test/support/build-dist.ts builds before the run).
 * One config file in a temp dir; start, signal, restart on the same data_dir; every JSON
 * log line kept for assertions; the REST API asked with the admin token. Stopped by PID
 * only; the managed config database it leaves running for its next start is stopped by
 * the pid in its pidfile.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alive, waitFor } from './process.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const L2BGWD_BIN = join(ROOT, 'bin', 'l2bgwd.js');

export type LogLine = Record<string, unknown> & { msg: string; level: string | number };

export interface L2bgwdOptions {
  /**
   * data_dir: absolute, or relative to the harness's temp dir (default `var`). Another
   * harness's `dataDir` makes two daemons share one.
   */
  dataDir?: string;
  /** node options before the script, e.g. `--import` of a module to run inside the daemon */
  nodeArgs?: readonly string[];
}

export interface L2bgwd {
  readonly dir: string;
  readonly configPath: string;
  readonly dataDir: string;
  /** Log lines of the current run (cleared by start). */
  readonly lines: LogLine[];
  readonly pid: number | undefined;
  /** Rewrites the config file (the `data_dir:` line is appended). */
  writeConfig(yaml: string): void;
  /** Spawns the daemon and waits for "l2bgwd started"; rejects, with its output, when it exits first. */
  start(): Promise<void>;
  signal(sig: NodeJS.Signals): void;
  /** The exit code of the current run once it has exited (null when killed by a signal). */
  exited(): Promise<number | null>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
  /** First log line matching, waiting for it. */
  waitForLine(pred: (l: LogLine) => boolean, what: string, ms?: number): Promise<LogLine>;
  /** Everything written to stdout and stderr, for failure messages. */
  output(): string;
  /** What the daemon wrote to stderr (its log goes to stdout). */
  stderr(): string;
  /** The REST API's admin token, from its default file in data_dir (created at the first start). */
  apiToken(): string;
  /**
   * A REST API request with the admin token, at the address the daemon logged ("REST API
   * listening"); a JSON answer parsed, any other as text.
   */
  rest<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  dispose(): Promise<void>;
}

/** Still running: neither exited nor killed by a signal (a signal leaves exitCode null). */
function running(c: ChildProcess | undefined): boolean {
  return c !== undefined && c.exitCode === null && c.signalCode === null;
}

export function l2bgwd(yaml: string, opts: L2bgwdOptions = {}): L2bgwd {
  const dir = mkdtempSync(join(tmpdir(), 'l2bgw-d-'));
  const configPath = join(dir, 'l2bgwd.yaml');
  const dataDir = resolve(dir, opts.dataDir ?? 'var');
  const lines: LogLine[] = [];
  let text = '';
  let errText = '';
  let child: ChildProcess | undefined;
  let exit: Promise<number | null> = Promise.resolve(null);
  const writeConfig = (y: string): void => writeFileSync(configPath, `${y.trimEnd()}\ndata_dir: ${dataDir}\n`);
  writeConfig(yaml);

  const handle: L2bgwd = {
    dir, configPath, dataDir, lines,
    get pid() { return running(child) ? child?.pid : undefined; },
    writeConfig,
    async start() {
      lines.length = 0;
      const c = spawn(process.execPath, [...(opts.nodeArgs ?? []), L2BGWD_BIN, '--config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
      child = c;
      // 'close', not 'exit': every line the daemon wrote has been read by then.
      exit = new Promise((r) => c.once('close', (code) => r(code)));
      let pending = '';
      c.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
        pending += chunk;
        let nl;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          try {
            lines.push(JSON.parse(line) as LogLine);
          } catch {
            // not a log line
          }
        }
      });
      c.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
        errText += chunk;
      });
      await handle.waitForLine((l) => l.msg === 'l2bgwd started', 'l2bgwd to start', 30_000);
    },
    signal(sig) {
      if (running(child)) child?.kill(sig);
    },
    exited: () => exit,
    async stop() {
      handle.signal('SIGTERM');
      return exit;
    },
    async waitForLine(pred, what, ms = 20_000) {
      let hit: LogLine | undefined;
      await waitFor(() => {
        hit = lines.find(pred);
        if (!hit && !running(child)) throw new Error(`l2bgwd exited waiting for ${what}:\n${text.slice(-4000)}`);
        return hit !== undefined;
      }, what, ms);
      return hit as LogLine;
    },
    output: () => text,
    stderr: () => errText,
    apiToken: () => readFileSync(join(dataDir, 'admin.token'), 'utf8').trim(),
    async rest<T>(method: string, path: string, body?: unknown) {
      const listening = await handle.waitForLine((l) => l.msg === 'REST API listening', 'the REST API');
      const r = await fetch(`${String(listening.address)}${path}`, {
        method,
        headers: { authorization: `Bearer ${handle.apiToken()}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const answer = await r.text();
      return { status: r.status, body: (r.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(answer) : answer) as T };
    },
    async dispose() {
      await handle.stop();
      try {
        const pid = Number(readFileSync(join(dataDir, 'config-db.pid'), 'utf8'));
        if (pid > 0 && alive(pid)) process.kill(pid, 'SIGTERM');
      } catch {
        // no managed config database was started
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return handle;
}
