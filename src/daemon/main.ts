/**
 * l2bgwd entry point (DESIGN.md §4): `l2bgwd --config FILE.yaml [--check]`.
 * A bad config prints every error on stderr, one per line, and exits 1.
 * Signals: SIGTERM / SIGINT stop the daemon (exit 0 when every component
 * stopped cleanly, 1 otherwise, always within 5 s); SIGHUP reloads the file.
 * An uncaught exception is logged and ends the process with exit code 1.
 *
 * Components register with the Daemon here (onStart / onStop / onReload).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { loadConfig } from '../config/parse.js';
import { createLogger } from '../log.js';
import type { Logger } from '../log.js';
import { Daemon } from './daemon.js';
import { Gateway } from './gateway.js';
import { startApi } from './api.js';

/** Hard limit from a stop signal to exit, whatever the components do. */
const EXIT_DEADLINE_MS = 5000;
const FATAL_STOP_MS = 2000;

/** The version in the package.json above this file (source and dist/ layouts differ in depth). */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'l2bgw' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not here; go up
    }
    const up = dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}

function exitBy(ms: number, log: Logger, why: string): void {
  setTimeout(() => {
    log.error({ ms }, why);
    process.exit(1);
  }, ms).unref();
}

function installProcessHandlers(daemon: Daemon, log: Logger, configPath: string): void {
  const shutdown = (signal: NodeJS.Signals): void => {
    if (daemon.isStopping) {
      log.warn({ signal }, 'second stop signal; exiting now');
      process.exit(1);
    }
    exitBy(EXIT_DEADLINE_MS, log, 'stop took too long; exiting');
    void daemon.stop(signal).then((r) => process.exit(r.clean ? 0 : 1));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  process.on('SIGHUP', () => {
    void daemon.reload(configPath);
  });

  let fatal = false;
  const die = (err: unknown, what: string): void => {
    log.fatal({ err }, what);
    if (fatal) process.exit(1);
    fatal = true;
    exitBy(FATAL_STOP_MS + 1000, log, 'stop after a fatal error took too long; exiting');
    void daemon.stop(what, FATAL_STOP_MS).finally(() => process.exit(1));
  };
  process.on('uncaughtException', (err) => die(err, 'uncaught exception'));
  process.on('unhandledRejection', (err) => die(err, 'unhandled promise rejection'));
}

export async function main(argv: readonly string[]): Promise<void> {
  const program = new Command('l2bgwd')
    .description('BGP EVPN speaker for hardware VTEP switches')
    .version(packageVersion(), '-V, --version')
    .requiredOption('-c, --config <file>', 'YAML config file')
    .option('--check', 'validate the config file and exit (0: valid, 1: errors on stderr)')
    .parse(argv as string[]);
  const opts = program.opts<{ config: string; check?: boolean }>();

  const loaded = loadConfig(opts.config);
  if (!loaded.ok) {
    process.stderr.write(loaded.errors.map((e) => `${e}\n`).join(''));
    process.exitCode = 1;
    return;
  }
  if (opts.check === true) {
    process.stdout.write(`${opts.config}: ok\n`);
    return;
  }

  const root = createLogger({ level: loaded.config.log_level });
  const daemon = new Daemon({ logger: root });
  const log = daemon.logger('daemon');
  installProcessHandlers(daemon, log, opts.config);

  const gateway = new Gateway({ config: loaded.config, logger: daemon.logger('bgp') });
  daemon.onStart(() => gateway.start({ restarting: daemon.previousRun !== undefined }), 'bgp');
  // RFC 9003: tell the peers why; graceful restart lets them keep our routes meanwhile.
  daemon.onStop((reason) => gateway.stop(`l2bgwd shutting down (${reason})`), 'bgp');
  daemon.onReload((diff, next) => gateway.applyReload(diff, next), 'bgp');
  let stopApi: (() => Promise<void>) | undefined;
  daemon.onStart(async () => {
    const r = await startApi(loaded.config, gateway, daemon.logger('api'));
    if (!r.ok) throw new Error(`REST API: ${r.message}`);
    stopApi = r.stop;
  }, 'api');
  daemon.onStop(() => stopApi?.(), 'api');

  const started = await daemon.start(loaded.config);
  if (!started.ok) {
    log.fatal({ reason: started.reason }, 'l2bgwd failed to start');
    process.exit(1);
  }
}

await main(process.argv);
