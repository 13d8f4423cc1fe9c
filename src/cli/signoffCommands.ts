// `npm run booth -- keys show` and `npm run booth -- signoff sample`: what a
// technician (or anyone checking the token with other tools) needs: the
// booth's public key and its key id, and a token for a synthetic
// enrollment, signed by this booth's key, as text and as a PNG.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { openVaultReadOnly, rawEd25519PublicKey, uuidv7, vaultSetup } from '../core/vault';
import { boothKid, issueSignoffToken, qrPng, qrSymbol } from '../core/signoff';
import type { BoothConfig } from '../core/config';
import type { VaultKeys } from '../core/vault';

type Print = (text: string, data: unknown) => void;

async function boothKeys(config: BoothConfig, print: Print): Promise<Omit<VaultKeys, 'databaseKey'> | null> {
  const setup = vaultSetup(config.vault);
  if ('problem' in setup) {
    print(`Vault: ${setup.problem}`, { ok: false, problem: setup.problem });
    return null;
  }
  const opened = await openVaultReadOnly(setup.dir, setup.keyProvider);
  if (!opened.ok) {
    print(`The booth's keys are not readable: ${opened.reason}: ${opened.message}`, {
      ok: false,
      reason: opened.reason,
      message: opened.message,
    });
    return null;
  }
  opened.db.close();
  return opened.keys;
}

export async function keysShow(config: BoothConfig, print: Print): Promise<number> {
  const keys = await boothKeys(config, print);
  if (!keys) return 1;
  const publicKey = rawEd25519PublicKey(keys.signingPublicKey).toString('base64url');
  const kid = Buffer.from(boothKid(keys.signingPublicKey)).toString('hex');
  print(
    [
      `Booth ${config.booth.id}`,
      `  public key  ${publicKey}  (Ed25519, 32 bytes as base64url: the upstream registers it for this booth)`,
      `  kid         ${kid}  (first 4 bytes of SHA-256 of the public key: names this key in sign-off tokens)`,
    ].join('\n'),
    { ok: true, boothId: config.booth.id, publicKey, kid, algorithm: 'Ed25519' },
  );
  return 0;
}

/** A synthetic citizen: NIK of the emulator's first identity pattern, nothing of a real person. */
const SAMPLE_NIK = '3171011501900042';

export async function signoffSample(config: BoothConfig, out: string, print: Print): Promise<number> {
  const keys = await boothKeys(config, print);
  if (!keys) return 1;
  const kid = boothKid(keys.signingPublicKey);
  const token = issueSignoffToken(
    {
      enrollmentId: uuidv7(),
      nik: SAMPLE_NIK,
      nikDigestKey: new Uint8Array(randomBytes(16)),
      evidence: {
        chipAuthenticated: true,
        livenessPassed: true,
        matchDistance: 412,
        matchThreshold: Math.round(config.face.match.threshold * 1000),
        quality: 87,
      },
    },
    { signingKey: keys.signingKey, kid },
    { nowMs: Date.now(), ttlSec: config.signoff.tokenTtlSec },
  );
  const symbol = qrSymbol(token.text);
  const path = resolve(out);
  writeFileSync(path, await qrPng(token.text));
  const c = token.claims;
  print(
    [
      token.text,
      '',
      `Sign-off token for a synthetic enrollment, signed by booth ${config.booth.id} (kid ${Buffer.from(kid).toString('hex')}):`,
      `  enrollment   ${c.enrollmentId}`,
      `  issued       ${new Date(c.issuedAt * 1000).toISOString()}, expires ${new Date(c.expiresAt * 1000).toISOString()}`,
      `  NIK          ************${c.nikLast4}, digest ${Buffer.from(c.nikDigest).toString('hex')}`,
      `  evidence     chip ${c.evidence.chipAuthenticated ? 'authenticated' : 'NOT authenticated'}, liveness ${c.evidence.livenessPassed ? 'passed' : 'FAILED'}, distance ${c.evidence.matchDistance}‰ ≤ threshold ${c.evidence.matchThreshold}‰, quality ${c.evidence.quality}`,
      `  size         ${token.payloadBytes} bytes of claims, ${token.bytes.length} bytes of COSE_Sign1, ${token.text.length} characters`,
      `  QR           version ${symbol.version}-Q (${symbol.size}×${symbol.size} modules), written to ${path}`,
      '  Check it with docs/signoff-token.md and the booth key from `npm run booth -- keys show`.',
    ].join('\n'),
    {
      ok: true,
      text: token.text,
      coseHex: Buffer.from(token.bytes).toString('hex'),
      payloadBytes: token.payloadBytes,
      coseBytes: token.bytes.length,
      qrVersion: symbol.version,
      png: path,
      kid: Buffer.from(kid).toString('hex'),
      claims: { ...c, nonce: Buffer.from(c.nonce).toString('hex'), nikDigest: Buffer.from(c.nikDigest).toString('hex') },
    },
  );
  return 0;
}
