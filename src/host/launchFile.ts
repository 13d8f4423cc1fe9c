// How this launch's token reaches the booth's browser (and a person who
// opens the booth by hand) without being printed or put on a command line:
// other local users can read stdout captured in logs and every process's
// argv (/proc/*/cmdline), and a racing process could use what it read.
//
// The token goes into two files in a fresh directory only the booth's user
// can enter (mkdtemp makes it 0700; the files are 0600):
// - `launch-url`: the URL with the token in its fragment, for a person or a
//   script;
// - `launch.html`: a page that forwards to that URL at once. The host starts
//   Chromium on this file's path, which tells a reader of argv nothing; the
//   browser, running as the booth's user, reads the token from the file. The
//   fragment never travels to a server, and the renderer removes it from the
//   address bar as soon as it has read it.
// A DevTools pipe would also keep it out of argv, but would leave a remote
// control channel open for the browser's life; a private file needs nothing.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface LaunchFiles {
  /** The private directory holding both files. */
  dir: string;
  /** Text file: the launch URL with the token. */
  urlFile: string;
  /** The forwarding page, as a file: URL for a browser. */
  pageUrl: string;
  remove(): void;
}

/** Writes the launch files under $XDG_RUNTIME_DIR (a per-user tmpfs) or, without one, the system temp folder. */
export function writeLaunchFiles(launchUrl: string, parent = process.env['XDG_RUNTIME_DIR'] || tmpdir()): LaunchFiles {
  let dir: string;
  try {
    dir = mkdtempSync(join(parent, 'anjungan-ikd-'));
  } catch {
    dir = mkdtempSync(join(tmpdir(), 'anjungan-ikd-'));
  }
  // mkdtemp already uses 0700; say so explicitly rather than trust the platform.
  chmodSync(dir, 0o700);
  const urlFile = join(dir, 'launch-url');
  const pageFile = join(dir, 'launch.html');
  const href = escapeHtml(launchUrl);
  // 'wx': never write into a file someone placed there first.
  writeFileSync(urlFile, `${launchUrl}\n`, { mode: 0o600, flag: 'wx' });
  writeFileSync(
    pageFile,
    `<!doctype html><html lang="id"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">` +
      `<meta http-equiv="refresh" content="0;url=${href}"><title>Anjungan IKD</title></head>` +
      `<body><a href="${href}">Buka anjungan / Open the booth</a></body></html>\n`,
    { mode: 0o600, flag: 'wx' },
  );
  return { dir, urlFile, pageUrl: pathToFileURL(pageFile).href, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
