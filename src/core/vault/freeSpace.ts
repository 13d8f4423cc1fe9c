// How much room the vault's disk has left, for the guard that stops new
// citizens before a commit could fail for lack of space (MOSIP's client
// refuses new packets below a set free space in the same way).
import { statfsSync } from 'node:fs';

export type FreeSpace = { ok: true; freeBytes: number } | { ok: false; message: string };

/** Bytes an unprivileged writer can still use on the file system holding `path` (statfs f_bavail × f_bsize). */
export function freeSpaceAt(path: string): FreeSpace {
  try {
    const stats = statfsSync(path);
    return { ok: true, freeBytes: stats.bavail * stats.bsize };
  } catch (error) {
    return { ok: false, message: `cannot read the free space of ${path}: ${(error as Error).message}` };
  }
}
