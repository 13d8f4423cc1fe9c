// The TPM 2.0 KeyProvider: the root secret is a sealed data object under
// the TPM's storage primary key (owner hierarchy). The two halves the TPM
// returns (public area and encrypted private area) lie next to the vault;
// only this TPM can load and unseal them, so a disk taken out of the booth
// reveals nothing. Driven through tpm2-tools (Debian's tpm2-tools), which
// talk to the TPM through a TCTI: "device:/dev/tpmrm0" on a booth,
// "swtpm:host=127.0.0.1,port=P" for the tests' software TPM.
//
// The commands (tpm2-tools 5):
//   tpm2_createprimary -C o -g sha256 -G ecc256:aes128cfb -c primary.ctx
//       the storage primary: re-derived from the owner seed on each call
//       with the same template, so it is never stored;
//   tpm2_create -C primary.ctx -g sha256 -i - -u root.pub -r root.priv
//       seals the 32 bytes read from standard input (a keyedhash object);
//   tpm2_load -C primary.ctx -u root.pub -r root.priv -c root.ctx
//   tpm2_unseal -c root.ctx        prints the sealed bytes.
// Without a resource manager (swtpm, a bare /dev/tpm0) each command leaves
// its transient objects loaded: tpm2_flushcontext -t after each one.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileDurably } from './keyFile';
import { ROOT_SECRET_BYTES, type KeyProvider, type RootSecretResult } from './keyProvider';

export const TPM_PUBLIC_FILE = 'tpm-root.pub';
export const TPM_PRIVATE_FILE = 'tpm-root.priv';
const PRIMARY_TEMPLATE = ['-C', 'o', '-g', 'sha256', '-G', 'ecc256:aes128cfb'];

export interface TpmKeyProviderOptions {
  keysDir: string;
  /** The TCTI string tpm2-tools use, e.g. "device:/dev/tpmrm0" or "swtpm:host=127.0.0.1,port=2321". */
  tcti: string;
  /** Where the tpm2_* programs are (default: found on PATH). */
  toolsDir?: string;
  /** Longest one command may take (default 20 s: a real TPM's key creation can take seconds). */
  commandTimeoutMs?: number;
}

class TpmCommandError extends Error {
  constructor(
    message: string,
    /** The TPM answered and refused the sealed object (not: the TPM or the tools could not be reached). */
    readonly refusedByTpm: boolean,
  ) {
    super(message);
  }
}

export function createTpmKeyProvider(options: TpmKeyProviderOptions): KeyProvider {
  const publicFile = join(options.keysDir, TPM_PUBLIC_FILE);
  const privateFile = join(options.keysDir, TPM_PRIVATE_FILE);

  const run = (tool: string, args: string[], input?: Buffer): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const child = execFile(
        options.toolsDir ? join(options.toolsDir, tool) : tool,
        args,
        {
          env: { ...process.env, TPM2TOOLS_TCTI: options.tcti },
          encoding: 'buffer',
          timeout: options.commandTimeoutMs ?? 20_000,
          maxBuffer: 1 << 20,
        },
        (error, stdout, stderr) => {
          if (!error) return resolve(stdout);
          const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
          const said = stderr.toString('utf8').trim().split('\n').slice(-2).join(' / ');
          reject(
            new TpmCommandError(
              missing ? `${tool} is not installed (Debian package tpm2-tools)` : `${tool} failed: ${said || error.message}`,
              // tpm2_load or tpm2_unseal reached the TPM (no TCTI error) and it said no: not this TPM's key, or a damaged one.
              !missing && (tool === 'tpm2_load' || tool === 'tpm2_unseal') && !/tcti/i.test(said),
            ),
          );
        },
      );
      child.stdin?.end(input);
    });

  /** Runs `steps` with a fresh storage primary in a private scratch folder, flushing transient objects after each command. */
  async function withPrimary<T>(steps: (primary: string, scratch: string, tpm: typeof run) => Promise<T>): Promise<T> {
    const scratch = mkdtempSync(join(tmpdir(), 'booth-tpm-'));
    const tpm = async (tool: string, args: string[], input?: Buffer) => {
      try {
        return await run(tool, args, input);
      } finally {
        await run('tpm2_flushcontext', ['-t']).catch(() => undefined);
      }
    };
    try {
      const primary = join(scratch, 'primary.ctx');
      await tpm('tpm2_createprimary', [...PRIMARY_TEMPLATE, '-c', primary]);
      return await steps(primary, scratch, tpm);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }

  const failure = (error: unknown, what: string): RootSecretResult => {
    const message = `${what}: ${(error as Error).message} (TCTI ${options.tcti})`;
    if (error instanceof TpmCommandError && error.refusedByTpm) return { ok: false, reason: 'KEY_UNREADABLE', message };
    return { ok: false, reason: 'KEY_STORE_UNAVAILABLE', message };
  };

  return {
    kind: 'tpm',
    warning: null,
    async rootSecret(): Promise<RootSecretResult> {
      if (existsSync(publicFile) !== existsSync(privateFile))
        return {
          ok: false,
          reason: 'KEY_UNREADABLE',
          message: `only one of ${TPM_PUBLIC_FILE} and ${TPM_PRIVATE_FILE} is in ${options.keysDir}: the sealed key is incomplete`,
        };
      if (existsSync(publicFile)) {
        try {
          const root = await withPrimary(async (primary, scratch, tpm) => {
            const context = join(scratch, 'root.ctx');
            await tpm('tpm2_load', ['-C', primary, '-u', publicFile, '-r', privateFile, '-c', context]);
            return tpm('tpm2_unseal', ['-c', context]);
          });
          if (root.length !== ROOT_SECRET_BYTES)
            return { ok: false, reason: 'KEY_UNREADABLE', message: `the TPM unsealed ${root.length} bytes, not ${ROOT_SECRET_BYTES}` };
          return { ok: true, root, created: false };
        } catch (error) {
          return failure(error, 'the TPM did not unseal the vault key');
        }
      }
      const root = randomBytes(ROOT_SECRET_BYTES);
      try {
        const [pub, priv] = await withPrimary(async (primary, scratch, tpm) => {
          const pubFile = join(scratch, 'root.pub');
          const privFile = join(scratch, 'root.priv');
          await tpm('tpm2_create', ['-C', primary, '-g', 'sha256', '-i', '-', '-u', pubFile, '-r', privFile], root);
          return [readFileSync(pubFile), readFileSync(privFile)];
        });
        writeFileDurably(privateFile, priv);
        writeFileDurably(publicFile, pub);
        return { ok: true, root, created: true };
      } catch (error) {
        root.fill(0);
        return failure(error, 'the TPM did not seal a new vault key');
      }
    },
  };
}
