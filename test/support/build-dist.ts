/**
 * Vitest global setup: builds dist/ once per run, before any test file starts, with the
 * product's own build (`npm run build`: tsc -p tsconfig.build.json). bin/l2bgw.js and
 * bin/l2bgwd.js import dist/, so every suite that runs them sees this run's sources, and
 * no two test files write dist/ at the same time.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSC = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));

/** tsc's exit code when it found type errors and still wrote its output. */
const ERRORS_OUTPUT_WRITTEN = 2;

export default async function setup(): Promise<void> {
  try {
    await run(process.execPath, [TSC, '-p', 'tsconfig.build.json'], { cwd: ROOT });
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    const report = `${e.stdout ?? ''}${e.stderr ?? String(err)}`;
    // A type error fails the typecheck step; the emitted JavaScript still runs.
    if (e.code !== ERRORS_OUTPUT_WRITTEN) throw new Error(`building dist/ failed:\n${report}`);
    console.warn(`dist/ built with type errors:\n${report}`);
  }
}
