// Small, durable writes for key files: write a temporary file, fsync it,
// rename it over the target, fsync the folder (a power cut leaves the old
// file or the new one, never half of one).
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export function writeFileDurably(path: string, bytes: Uint8Array, mode = 0o600): void {
  renameSync(writeTemporary(path, bytes, mode), path);
  syncFolder(dirname(path));
}

/**
 * Like writeFileDurably, but never over an existing file: when two processes make the same key file at once, the first wins and
 * the other is told ('exists') so it reads the winner's instead of keeping a key nobody else has.
 */
export function writeFileExclusive(path: string, bytes: Uint8Array, mode = 0o600): 'written' | 'exists' {
  const temporary = writeTemporary(path, bytes, mode);
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return 'exists';
    throw error;
  } finally {
    unlinkSync(temporary);
  }
  syncFolder(dirname(path));
  return 'written';
}

function writeTemporary(path: string, bytes: Uint8Array, mode: number): string {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  const fd = openSync(temporary, 'w', mode);
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return temporary;
}

function syncFolder(folder: string): void {
  const dirFd = openSync(folder, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
