// `npm run booth -- <command>`: the technician's command line. Today the
// card reader and the face models; provisioning will add its commands here.
//
//   card readers            PC/SC readers attached, and which hold a card
//   card status             the configured reader: reachable? SAM? card? (never unlocks the SAM)
//   card read               a full read with the configured reader, PII masked
//   face models             the face models checked against the manifest
//   face selftest           the face matcher's known-answer self-test, as the booth runs it at start
//   face calibrate          FMR/FNMR per threshold on a consented set of pictures, with a DET plot
//   vault status            keys, upstream key, outbox counts, free space (reads only)
//   vault export --to DIR   unacknowledged records, sealed and signed, for a booth that stays offline
//   vault check DIR         reads an export back and checks every signature and checksum
//   sync status             the upstream sync: queue, last success and error, what blocks it (reads only)
//   keys show               the booth's public key and its key id (kid) in sign-off tokens
//   signoff sample --out F  a sign-off token for a synthetic enrollment, as text and a PNG QR
//
// Options: --config FILE (or BOOTH_CONFIG), --json, --models DIR, --core-models DIR.
import { parseArgs } from 'node:util';
import { maskNik } from '../shared/identity/nik';
import { ConfigError, loadConfig, type BoothConfig } from '../core/config';
import { cardReadDeadlineMs, readWithDeadline } from '../core/card/deadline';
import { createCardReader } from '../core/card/reader';
import { CardError, describeCardError, isCardError } from '../core/card/errors';
import { pcscReaderStates } from '../core/card/pcsc/pcscChannels';
import { isCardReadChild, reportExitCode, runCardReadInChild } from './cardReadProcess';
import { checkFaceModels, defaultCoreModelsDir, defaultModelsDir, runFaceSelfTest } from './faceCommands';
import { runFaceCalibration } from './faceCalibrate';
import { vaultCheck, vaultExport, vaultStatus } from './vaultCommands';
import { syncStatus } from './syncCommands';
import { keysShow, signoffSample } from './signoffCommands';

const usage = `Usage: npm run booth -- card <readers|status|read> [--config FILE] [--json]
       npm run booth -- face models [--models DIR] [--json]
       npm run booth -- face selftest [--core-models DIR] [--config FILE] [--json]
       npm run booth -- face calibrate --pairs DIR [--det FILE.svg] [--core-models DIR] [--config FILE] [--json]
       npm run booth -- vault status [--config FILE] [--json]
       npm run booth -- vault export --to DIR [--config FILE] [--json]
       npm run booth -- vault check DIR [--json]
       npm run booth -- sync status [--config FILE] [--json]
       npm run booth -- keys show [--config FILE] [--json]
       npm run booth -- signoff sample --out FILE.png [--config FILE] [--json]

  card readers   list PC/SC readers and whether each holds a card
  card status    check the configured card reader (devices.card in the config)
  card read      read the card on the configured reader; personal data is masked;
                 gives up with TIMEOUT after devices.card.readDeadlineMs (20 s)
  face models    check the face model files against the booth's manifest
                 (the installed ones, or those in --models DIR)
  face selftest  run the face matcher's known-answer self-test, as the booth
                 does at start (its threshold from face.match in the config)
  face calibrate the match threshold's error rates on consented pictures laid
                 out DIR/<person>/<picture>.jpg (also .jpeg, .jp2, .j2k); writes
                 a DET plot (default face-calibration-det.svg); changes nothing
  vault status   the enrollment vault: key provider, upstream key, outbox counts,
                 free space and whether the booth takes citizens (reads only)
  vault export   writes the records the upstream has not acknowledged into a new
                 folder under DIR (sealed, signed, with a signed manifest)
  vault check    reads an export folder back and checks every signature and checksum
  sync status    the upstream sync: where to, queue, last success and last error,
                 clock offset, and what blocks it (reads only; exit 1 when failing)
  keys show      the booth's Ed25519 public key and its kid (the key id that names
                 it in sign-off tokens), read from the vault's keys
  signoff sample signs a sign-off token for a synthetic enrollment with this
                 booth's key, prints its text and claims, writes its QR as a PNG

The configuration is read from --config FILE or BOOTH_CONFIG; without one the
booth's defaults apply (the simulated serial reader).`;

type Print = (text: string, data: unknown) => void;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        models: { type: 'string' },
        'core-models': { type: 'string' },
        pairs: { type: 'string' },
        det: { type: 'string' },
        to: { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    console.log(usage);
    return values.help ? 0 : 2;
  }
  const print: Print = (text, data) => console.log(values.json ? JSON.stringify(data) : text);
  const [group, command] = positionals;
  if (group === 'face' && command === 'models' && positionals.length === 2)
    return checkFaceModels(values.models ?? defaultModelsDir(), print);
  if (group === 'face' && (command === 'selftest' || command === 'calibrate') && positionals.length === 2) {
    if (command === 'calibrate' && !values.pairs) {
      console.error(`face calibrate needs --pairs DIR (one folder of pictures per person).\n\n${usage}`);
      return 2;
    }
    try {
      const config = loadConfig(values.config ?? process.env['BOOTH_CONFIG']);
      const coreModelsDir = values['core-models'] ?? defaultCoreModelsDir();
      if (command === 'calibrate')
        return await runFaceCalibration(
          { pairsDir: values.pairs!, coreModelsDir, detPath: values.det ?? 'face-calibration-det.svg', settings: config.face.match },
          print,
          (text) => console.error(text),
        );
      return await runFaceSelfTest(coreModelsDir, config.face.match, print);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      console.error(error.message);
      return 2;
    }
  }
  if (group === 'vault' && command === 'check' && positionals.length === 3) return vaultCheck(positionals[2]!, print);
  // Commands that read the configuration and nothing else from the command line but their own option.
  const configCommands: Record<string, { needs?: [string | undefined, string]; run: (config: BoothConfig) => Promise<number> }> = {
    'vault status': { run: (config) => vaultStatus(config, print) },
    'vault export': {
      needs: [values.to, 'vault export needs --to DIR (a folder on the removable disk; a new folder is made inside it).'],
      run: (config) => vaultExport(config, values.to!, print),
    },
    'sync status': { run: (config) => syncStatus(config, print) },
    'keys show': { run: (config) => keysShow(config, print) },
    'signoff sample': {
      needs: [values.out, 'signoff sample needs --out FILE.png (where to write the QR code).'],
      run: (config) => signoffSample(config, values.out!, print),
    },
  };
  const configCommand = configCommands[`${group} ${command}`];
  if (configCommand) {
    if (positionals.length !== 2) {
      console.error(`Unknown command "${positionals.join(' ')}".\n\n${usage}`);
      return 2;
    }
    if (configCommand.needs && !configCommand.needs[0]) {
      console.error(`${configCommand.needs[1]}\n\n${usage}`);
      return 2;
    }
    let config;
    try {
      config = loadConfig(values.config ?? process.env['BOOTH_CONFIG']);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      console.error(error.message);
      return 2;
    }
    return configCommand.run(config);
  }
  if (group !== 'card' || !command || !['readers', 'status', 'read'].includes(command)) {
    console.error(`Unknown command "${positionals.join(' ')}".\n\n${usage}`);
    return 2;
  }

  if (command === 'readers') {
    try {
      const readers = pcscReaderStates();
      print(
        readers.length ? readers.map((r) => `${r.cardPresent ? '[card]' : '[    ]'} ${r.name}`).join('\n') : 'No PC/SC readers attached.',
        { readers },
      );
      return 0;
    } catch (error) {
      return fail(error, print);
    }
  }

  let config;
  try {
    config = loadConfig(values.config ?? process.env['BOOTH_CONFIG']);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  if (command === 'read' && !isCardReadChild()) {
    const deadlineMs = cardReadDeadlineMs(config.devices.card);
    return runCardReadInChild(deadlineMs + 15_000, () =>
      fail(
        new CardError('TIMEOUT', `The card read did not end within ${deadlineMs / 1000} s and the reader process did not answer.`),
        print,
      ),
    );
  }
  const reader = await createCardReader(config.devices.card, { onNotice: (_event, message) => console.error(message) });
  if (!reader) {
    print('No card reader is configured (devices.card.driver is "none").', { driver: 'none' });
    return 1;
  }
  try {
    if (command === 'status') {
      const status = await reader.status();
      const yes = (value: boolean | undefined) => (value === undefined ? 'unknown' : value ? 'yes' : 'no');
      print(
        [
          `Card reader (${reader.driver}): reachable${status.firmware ? `, firmware ${status.firmware}` : ''}.`,
          `  SAM present   ${yes(status.samPresent)}`,
          `  SAM unlocked  ${yes(status.samUnlocked)}${status.samUnlocked === undefined ? ' (PC/SC: unlocked at each read)' : ''}`,
          `  card present  ${yes(status.cardPresent)}`,
        ].join('\n'),
        { driver: reader.driver, ok: true, ...status },
      );
      return status.samPresent ? 0 : 1;
    }
    const started = Date.now();
    // The booth's own deadline: a card that stops answering ends in TIMEOUT, not a command that never returns.
    const readout = await readWithDeadline((signal) => reader.read(undefined, signal), {
      deadlineMs: cardReadDeadlineMs(config.devices.card),
    }).outcome;
    const ms = Date.now() - started;
    const b = readout.biodata;
    const masked = {
      driver: reader.driver,
      ms,
      // The UID names one person's card for life: show only enough to tell two test cards apart.
      chipUid: `${readout.chipUid.slice(0, 4)}…`,
      nik: maskNik(readout.nik),
      name: maskName(b.name),
      birthYear: b.dateOfBirth.slice(0, 4),
      sex: b.sex,
      province: b.province,
      photo: { format: readout.photo.format, bytes: readout.photo.bytes.length },
      signatureImage: readout.signatureImage ? { format: readout.signatureImage.format, bytes: readout.signatureImage.bytes.length } : null,
      samAuthenticated: readout.auth.samAuthenticated,
    };
    print(
      [
        `Card read with the ${reader.driver} reader in ${ms} ms (personal data masked).`,
        `  chip UID     ${masked.chipUid}`,
        `  NIK          ${masked.nik}`,
        `  name         ${masked.name}`,
        `  born         ${masked.birthYear}, ${masked.sex}, ${masked.province}`,
        `  photo        ${masked.photo.format}, ${masked.photo.bytes} bytes`,
        `  signature    ${masked.signatureImage ? `${masked.signatureImage.format}, ${masked.signatureImage.bytes} bytes` : 'none'}`,
        `  SAM          authenticated the chip`,
      ].join('\n'),
      masked,
    );
    return 0;
  } catch (error) {
    return fail(error, print);
  } finally {
    await reader.close();
  }
}

/** "BUDI SANTOSO" → "B*** S******": enough to tell two test cards apart, not to identify anyone. */
function maskName(name: string): string {
  return name.replace(/\S+/g, (word) => word[0] + '*'.repeat(Math.max(0, word.length - 1)));
}

function fail(error: unknown, print: Print): number {
  if (!isCardError(error)) throw error;
  print(`Card reader: ${describeCardError(error)}`, { ok: false, code: error.code, message: error.message, detail: error.detail });
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    reportExitCode(code);
    process.exit(code);
  },
  (error: unknown) => {
    console.error(error);
    reportExitCode(1);
    process.exit(1);
  },
);
