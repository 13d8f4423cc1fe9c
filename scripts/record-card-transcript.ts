// Records the byte transcript of one full e-KTP read through the virtual
// card and SAM, for the strict replay tests: `npx tsx scripts/record-card-transcript.ts`.
// The transcript holds only synthetic data and throw-away test secrets.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatTranscript, recordTranscript } from '../src/core/card/apdu/transcript';
import { createVirtualEktp } from '../src/core/card/emulator';
import { placeholderJpeg } from '../src/core/card/emulator/identities';
import { readEktp } from '../src/core/card/ektp/readEktp';

const set = createVirtualEktp({ content: { photo: placeholderJpeg(1_200, 'transcript-photo') } });
const { channels, entries } = recordTranscript({ card: set.card, sam: set.sam });
const readout = await readEktp(channels.card, channels.sam, set.secrets);
const out = resolve(import.meta.dirname, '../test/fixtures/ektp-read.transcript');
writeFileSync(
  out,
  formatTranscript(
    entries,
    `One full e-KTP read through the project's virtual card and SAM (synthetic identity ${readout.nik}).\nRecorded by scripts/record-card-transcript.ts; replayed in strict order by test/unit/card/transcript.test.ts.`,
  ),
);
console.log(`${entries.length} exchanges written to ${out}`);
