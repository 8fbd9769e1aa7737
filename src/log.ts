/**
 * Logger factory: one pino root logger writing JSON lines (stdout by
 * default), and a child per component so every line says where it comes
 * from ({"component":"bgp",...}). Pure layers never log; they return data
 * that a driver logs through one of these.
 */
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';
import type { LogLevel } from './config/types.js';

export type { Logger } from 'pino';

export type Component = 'daemon' | 'config' | 'bgp' | 'evpn' | 'vtep' | 'api';

export interface LoggerOptions {
  level: LogLevel;
  /** Default: stdout, written synchronously so nothing is lost on exit. */
  destination?: DestinationStream;
}

export function createLogger(opts: LoggerOptions): Logger {
  return pino(
    {
      level: opts.level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    opts.destination ?? pino.destination({ fd: 1, sync: true }),
  );
}

/** The child logger of one component; extra bindings (e.g. { peer }) go on every line. */
export function componentLogger(root: Logger, component: Component, bindings: Record<string, unknown> = {}): Logger {
  return root.child({ component, ...bindings });
}
