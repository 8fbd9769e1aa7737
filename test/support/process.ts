/** Small process and port helpers shared by the test harnesses. */
import { execFile, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The first of `tools` (names on PATH, or absolute paths) that is not installed,
 * after a warning that `suite` is skipped; undefined when all are there.
 */
export function missingTool(suite: string, ...tools: string[]): string | undefined {
  const missing = tools.find((b) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', b]).status !== 0);
  if (missing) console.warn(`${suite} skipped: ${missing} is not installed`);
  return missing;
}

/** A free TCP port on `host` right now (bind 0, read it, release it). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen({ host, port: 0 }, () => {
      const port = (srv.address() as AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `cond` every `every` ms until true; throws naming `what` after `ms`. */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, ms = 20_000, every = 50): Promise<void> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    if (await cond()) return;
    await sleep(every);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Whether a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** How a command ended: exit code, stdout and stderr. */
export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a node script to its end with this node; a non-zero exit is a result, not an error. */
export async function runScript(script: string, ...args: string[]): Promise<ScriptResult> {
  try {
    const r = await run(process.execPath, [script, ...args]);
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as ScriptResult;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
