/**
 * The daemon's lifecycle: start (data_dir, pidfile, restart marker, component start hooks),
 * reload (parse the new file; on success hand the diff to the reload hooks,
 * on failure keep the running config), stop (component stop hooks in reverse
 * order of registration, under a deadline so that a hung component cannot
 * keep the process alive). Components plug in through onStart / onStop /
 * onReload; this class knows nothing about BGP, EVPN, VTEPs or the API.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { diffConfig, describeDiff, isEmptyDiff } from '../config/diff.js';
import type { ConfigDiff } from '../config/diff.js';
import { loadConfig } from '../config/parse.js';
import type { Config } from '../config/types.js';
import { componentLogger } from '../log.js';
import type { Component, Logger } from '../log.js';
import { acquirePidfile, releasePidfile } from './pidfile.js';
import { takeRunMarker } from './run-marker.js';
import type { PreviousRun } from './run-marker.js';

export type StartHook = (config: Config) => void | Promise<void>;
export type StopHook = (reason: string) => void | Promise<void>;
export type ReloadHook = (diff: ConfigDiff, next: Config, prev: Config) => void | Promise<void>;

export type StartResult = { ok: true } | { ok: false; reason: string };
export type ReloadResult = { ok: true; diff: ConfigDiff } | { ok: false; errors: string[] };
/** clean: every stop hook finished without error before the deadline. */
export interface StopResult {
  clean: boolean;
}

export interface DaemonOptions {
  /** The root logger; its level follows log_level, and components get children of it. */
  logger: Logger;
  /** Time all stop hooks get together; default 4000 ms, so the process is gone within 5 s. */
  stopDeadlineMs?: number;
}

export const PIDFILE_NAME = 'l2bgwd.pid';

interface Named<F> {
  name: string;
  fn: F;
}

type Outcome = 'done' | 'failed' | 'timeout';

export class Daemon {
  private readonly root: Logger;
  private readonly log: Logger;
  private readonly stopDeadlineMs: number;
  private readonly startHooks: Named<StartHook>[] = [];
  private readonly stopHooks: Named<StopHook>[] = [];
  private readonly reloadHooks: Named<ReloadHook>[] = [];
  private current: Config | undefined;
  private pidPath: string | undefined;
  private previous: PreviousRun | undefined;
  private keepAlive: NodeJS.Timeout | undefined;
  private stopping: Promise<StopResult> | undefined;
  private reloads: Promise<unknown> = Promise.resolve();

  constructor(opts: DaemonOptions) {
    this.root = opts.logger;
    this.log = componentLogger(opts.logger, 'daemon');
    this.stopDeadlineMs = opts.stopDeadlineMs ?? 4000;
  }

  /** The running config; undefined before start. */
  get config(): Config | undefined {
    return this.current;
  }

  /** A component's logger; follows log_level across reloads. */
  logger(component: Component, bindings: Record<string, unknown> = {}): Logger {
    return componentLogger(this.root, component, bindings);
  }

  get pidfile(): string | undefined {
    return this.pidPath;
  }

  /** Set from start on when an earlier run left its marker in data_dir: this start is a restart. */
  get previousRun(): PreviousRun | undefined {
    return this.previous;
  }

  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  onStart(fn: StartHook, name = `start hook ${this.startHooks.length + 1}`): void {
    this.startHooks.push({ name, fn });
  }

  onStop(fn: StopHook, name = `stop hook ${this.stopHooks.length + 1}`): void {
    this.stopHooks.push({ name, fn });
  }

  onReload(fn: ReloadHook, name = `reload hook ${this.reloadHooks.length + 1}`): void {
    this.reloadHooks.push({ name, fn });
  }

  async start(config: Config): Promise<StartResult> {
    if (this.current !== undefined) return { ok: false, reason: 'already started' };
    const dataDir = resolve(config.data_dir);
    try {
      await mkdir(dataDir, { recursive: true });
    } catch (err) {
      return { ok: false, reason: `cannot create data_dir ${dataDir}: ${(err as Error).message}` };
    }
    const pidPath = resolve(dataDir, PIDFILE_NAME);
    const pid = await acquirePidfile(pidPath);
    if (!pid.ok) return pid;
    this.pidPath = pidPath;
    // Before the start hooks: they decide how to behave after a restart.
    const marker = await takeRunMarker(dataDir, { pid: process.pid, started: new Date() });
    for (const w of marker.warnings) this.log.warn({ data_dir: dataDir }, w);
    this.previous = marker.previous;
    if (marker.previous) this.log.info({ previous: marker.previous }, `restart: an earlier l2bgwd ran with this data_dir${marker.previous.started ? ` (started ${marker.previous.started})` : ''}`);
    this.current = config;
    this.root.level = config.log_level;
    // Nothing else may hold the event loop open before components start; the daemon runs until stopped.
    this.keepAlive = setInterval(() => undefined, 1 << 30);
    for (const hook of this.startHooks) {
      try {
        await hook.fn(config);
      } catch (err) {
        this.log.error({ err, hook: hook.name }, 'component failed to start');
        await this.stop(`${hook.name} failed to start`);
        return { ok: false, reason: `${hook.name} failed to start: ${(err as Error).message}` };
      }
    }
    this.log.info({ router_id: config.router_id, local_as: config.local_as, data_dir: dataDir }, 'l2bgwd started');
    return { ok: true };
  }

  /** Re-reads `path`. A bad file changes nothing; reloads run one at a time. */
  reload(path: string): Promise<ReloadResult> {
    const run = this.reloads.then(() => this.reloadNow(path));
    this.reloads = run.catch(() => undefined);
    return run;
  }

  private async reloadNow(path: string): Promise<ReloadResult> {
    const prev = this.current;
    if (prev === undefined || this.stopping !== undefined) {
      this.log.warn({ file: path }, 'reload ignored: the daemon is not running');
      return { ok: false, errors: ['the daemon is not running'] };
    }
    const loaded = loadConfig(path);
    if (!loaded.ok) {
      for (const error of loaded.errors) this.log.error({ file: path, error }, 'config error');
      this.log.warn({ file: path, errors: loaded.errors.length }, 'config reload rejected; keeping the running config');
      return { ok: false, errors: loaded.errors };
    }
    const next = loaded.config;
    const diff = diffConfig(prev, next);
    if (isEmptyDiff(diff)) {
      this.log.info({ file: path }, 'config reloaded: no change');
      return { ok: true, diff };
    }
    this.current = next;
    this.root.level = next.log_level;
    this.log.info({ file: path, changes: describeDiff(diff) }, 'config reloaded');
    for (const hook of this.reloadHooks) {
      try {
        await hook.fn(diff, next, prev);
      } catch (err) {
        this.log.error({ err, hook: hook.name }, 'component failed to apply the reload');
      }
    }
    return { ok: true, diff };
  }

  /** Runs the stop hooks newest first, each with what is left of the deadline. Calling it again returns the same outcome. */
  stop(reason: string, deadlineMs: number = this.stopDeadlineMs): Promise<StopResult> {
    this.stopping ??= this.stopNow(reason, deadlineMs);
    return this.stopping;
  }

  private async stopNow(reason: string, deadlineMs: number): Promise<StopResult> {
    this.log.info({ reason }, 'l2bgwd stopping');
    const end = performance.now() + deadlineMs;
    let clean = true;
    let expired = false;
    for (const hook of [...this.stopHooks].reverse()) {
      const left = end - performance.now();
      if (expired || left <= 0) {
        // Still tell it to stop (a speaker can at least send its cease), but do not wait.
        this.log.error({ hook: hook.name }, 'stop deadline passed; not waiting for this component');
        clean = false;
        void this.runWithin(hook, reason, 0);
        continue;
      }
      const outcome = await this.runWithin(hook, reason, left);
      if (outcome !== 'done') clean = false;
      // A timeout used up all that was left.
      if (outcome === 'timeout') expired = true;
    }
    if (this.pidPath !== undefined) await releasePidfile(this.pidPath);
    if (this.keepAlive !== undefined) clearInterval(this.keepAlive);
    this.log.info({ reason, clean }, 'l2bgwd stopped');
    return { clean };
  }

  private async runWithin(hook: Named<StopHook>, reason: string, ms: number): Promise<Outcome> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Outcome>((done) => {
      timer = setTimeout(() => done('timeout'), ms);
    });
    const run = (async (): Promise<Outcome> => {
      try {
        await hook.fn(reason);
        return 'done';
      } catch (err) {
        this.log.error({ err, hook: hook.name }, 'component failed to stop cleanly');
        return 'failed';
      }
    })();
    const outcome = await Promise.race([run, timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout' && ms > 0) this.log.error({ hook: hook.name, ms: Math.round(ms) }, 'component did not stop in time');
    return outcome;
  }
}
