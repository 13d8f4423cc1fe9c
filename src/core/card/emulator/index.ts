// A matched virtual e-KTP and SAM for one test identity: what the PC/SC,
// serial and HID emulators put behind their real channels.
import { randomBytes } from 'node:crypto';
import type { SamSecrets } from '../ektp/readEktp';
import { chipFiles, identityPhoto, placeholderJpeg, testIdentities, type ChipContent, type TestIdentity } from './identities';
import { VirtualEktpCard, type VirtualCardOptions } from './virtualCard';
import { VirtualSam } from './virtualSam';

export { VirtualEktpCard, VirtualSam, testIdentities, placeholderJpeg, chipFiles, identityPhoto };
export type { TestIdentity };

export interface VirtualEktpSet {
  card: VirtualEktpCard;
  sam: VirtualSam;
  secrets: SamSecrets;
  identity: TestIdentity;
  /** The personalisation key card and SAM share. */
  cardKey: Uint8Array;
}

export interface VirtualSetOptions extends Partial<Pick<VirtualCardOptions, 'chainResponses' | 'strictLe' | 'isEktp'>> {
  identity?: TestIdentity;
  /** Issue the new card for the SAM (and secrets) of an existing set, as Dukcapil personalises every e-KTP for the same SAMs. */
  sharedWith?: VirtualEktpSet;
  content?: ChipContent;
  /** A SAM personalised for other cards: authentication fails. */
  foreignSam?: boolean;
  samTries?: number;
  /** The chip photo's encoding (the real format is unpublished: both are plausible). */
  photoFormat?: 'jpeg' | 'jpeg2000';
}

export function createVirtualEktp(options: VirtualSetOptions = {}): VirtualEktpSet {
  const identity = options.identity ?? testIdentities[0]!;
  const cardKey = options.sharedWith?.cardKey ?? new Uint8Array(randomBytes(16));
  const secrets = options.sharedWith?.secrets ?? { pcid: new Uint8Array(randomBytes(32)), conf: new Uint8Array(randomBytes(32)) };
  const index = Math.max(0, testIdentities.indexOf(identity));
  const content = options.content ?? {
    photo: identityPhoto(index, options.photoFormat),
    signature: placeholderJpeg(2_000, `${identity.nik}-sig`),
  };
  const card = new VirtualEktpCard({
    uid: new Uint8Array(randomBytes(7)),
    files: chipFiles(identity, content),
    cardKey,
    isEktp: options.isEktp,
    chainResponses: options.chainResponses,
    strictLe: options.strictLe,
  });
  const sam =
    options.sharedWith?.sam ??
    new VirtualSam({ ...secrets, cardKey: options.foreignSam ? new Uint8Array(randomBytes(16)) : cardKey, tries: options.samTries });
  return { card, sam, secrets, identity, cardKey };
}
