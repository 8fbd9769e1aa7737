/**
 * The restart marker under data_dir: `l2bgwd.last-start`, one JSON line naming the run
 * that last started there (`{"pid":…,"started":"…"}`). Finding it at start-up means an
 * earlier l2bgwd ran with this data_dir, so this start is a restart: the switch rows it
 * wrote are still in place and the peers may hold its routes (RFC 4724 §4.1 R bit).
 *
 * The marker is advice, never a reason to stop: a data_dir that cannot be read or
 * written yields warnings for the log and "not restarting".
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const RUN_MARKER_NAME = 'l2bgwd.last-start';

export interface PreviousRun {
  pid?: number;
  /** ISO time the previous run started, when the marker says. */
  started?: string;
}

export interface RunMarkerResult {
  /** Set when an earlier run left its marker: this start is a restart. */
  previous?: PreviousRun;
  /** What went wrong reading or writing the marker, for the log. */
  warnings: string[];
}

function parseMarker(text: string): PreviousRun {
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null) return {};
    const o = v as Record<string, unknown>;
    const run: PreviousRun = {};
    if (typeof o.pid === 'number' && Number.isInteger(o.pid)) run.pid = o.pid;
    if (typeof o.started === 'string') run.started = o.started;
    return run;
  } catch {
    // A marker cut short by a crash still shows that a run was here.
    return {};
  }
}

/** Reads the previous run's marker, then replaces it with this run's (write + rename). */
export async function takeRunMarker(dataDir: string, run: { pid: number; started: Date }): Promise<RunMarkerResult> {
  const path = join(dataDir, RUN_MARKER_NAME);
  const warnings: string[] = [];
  let previous: PreviousRun | undefined;
  try {
    previous = parseMarker(await readFile(path, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') warnings.push(`cannot read ${path}: ${(err as Error).message}; starting as a fresh run`);
  }
  const tmp = `${path}.${run.pid}.tmp`;
  try {
    await writeFile(tmp, `${JSON.stringify({ pid: run.pid, started: run.started.toISOString() })}\n`);
    await rename(tmp, path);
  } catch (err) {
    warnings.push(`cannot write ${path}: ${(err as Error).message}; the next start will not know it is a restart`);
  }
  return previous === undefined ? { warnings } : { previous, warnings };
}
