// `npm run upstream -- <command>`: the reference upstream service and its
// operator's commands.
//
//   serve (default)            the HTTP API and the fleet page
//   import DIR                 a booth's removable-media export (vault export), idempotent
//   booth add ID KEY           registers a booth's Ed25519 public key (from `npm run booth -- vault status`)
//   booth revoke ID            refuses the booth's requests from now on
//   booth list                 the registry
//   keys new --id ID --out F   a new upstream key file (sealing + signing)
//   officer add ID --name N    an officer of the sign-off console (password from --password-file or stdin)
//   officer disable ID         ends the officer's logins and refuses new ones
//   officer list               the officers
//
// Storage: PostgreSQL when DATABASE_URL (or --database-url) is set, else
// PGlite in --data DIR (default upstream-data/pglite), created on first use.
import cluster from 'node:cluster';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkExport } from '../core/vault';
import { openPglite, openPostgres, type UpstreamDatabase } from './db/database';
import { migrateUpstream } from './db/migrations';
import { takeRecords } from './intake';
import { DEMO_KEY_FILE, loadUpstreamKeys, newUpstreamKeyFile, type UpstreamKeys } from './keys';
import { BoothRegistry, ed25519FromText } from './registry';
import { createUpstreamServer, DEFAULT_MAIL_FROM } from './server';
import { Officers } from './officers';

export const DEFAULT_PORT = 8787;
const DEFAULT_DATA_DIR = 'upstream-data/pglite';

const usage = `Usage: npm run upstream [-- serve] [--port ${DEFAULT_PORT}] [--host 127.0.0.1] [--registration open|closed] [--workers N]
       npm run upstream -- import DIR
       npm run upstream -- booth add BOOTH_ID PUBLIC_KEY
       npm run upstream -- booth revoke BOOTH_ID [--reason TEXT]
       npm run upstream -- booth list [--json]
       npm run upstream -- keys new --id KEY_ID --out FILE
       npm run upstream -- officer add OFFICER_ID --name "FULL NAME" [--password-file FILE]
       npm run upstream -- officer disable OFFICER_ID
       npm run upstream -- officer list [--json]

  serve         the booths' API and the fleet page (http://HOST:PORT/fleet); with
                PostgreSQL, one process per core (--workers N) shares the port
  import DIR    takes a booth's export folder (npm run booth -- vault export);
                records already received are not taken twice
  booth add     registers a booth: its id and the Ed25519 key that
                "npm run booth -- vault status" prints as "booth key"
  booth revoke  refuses every request of that booth from now on
  keys new      writes a new key file (the booth's vault.upstreamKey and
                sync.upstreamSigningKey take its public halves)
  officer add   an officer who signs enrollments off on the console
                (http://HOST:PORT/console/); the password (12 characters or
                more) is the first line of --password-file FILE or of stdin
  officer disable  ends the officer's sessions and refuses their logins

serve also takes --smtp URL (or SMTP_URL; e.g. smtp://mail.example:587) where
activation codes are e-mailed, and --mail-from ADDRESS (or MAIL_FROM). Without
a server, each code's sending is recorded as failed (officers can resend).

Every command takes:
  --database-url URL   PostgreSQL (or the DATABASE_URL environment variable)
  --data DIR           otherwise PGlite in DIR (default ${DEFAULT_DATA_DIR})
  --key FILE           the upstream's key file (default: the project's DEMO key,
                       whose private halves are public)
Registration: "open" lets an unknown booth register its own key (only for
demos; the default with the demo key), "closed" needs "booth add".`;

/** `maxConnections`: the pool's size on PostgreSQL (opened at once); a one-shot command needs one. */
async function openDatabase(values: { 'database-url'?: string; data?: string }, maxConnections?: number): Promise<UpstreamDatabase> {
  const url = values['database-url'] ?? process.env['DATABASE_URL'];
  const db = url ? await openPostgres(url, { maxConnections }) : await openPglite(prepareDataDir(values.data ?? DEFAULT_DATA_DIR));
  await migrateUpstream(db);
  return db;
}

function prepareDataDir(dir: string): string {
  const full = resolve(dir);
  mkdirSync(full, { recursive: true, mode: 0o700 });
  return full;
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        'database-url': { type: 'string' },
        key: { type: 'string' },
        registration: { type: 'string' },
        reason: { type: 'string' },
        id: { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean' },
        workers: { type: 'string' },
        name: { type: 'string' },
        smtp: { type: 'string' },
        'mail-from': { type: 'string' },
        'password-file': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const [command = 'serve', sub, ...rest] = positionals;

  if (command === 'keys' && sub === 'new') {
    if (!values.id || !values.out || !/^[A-Za-z0-9._-]{1,64}$/.test(values.id)) {
      console.error(`keys new needs --id KEY_ID (1 to 64 letters, digits, dots, dashes) and --out FILE.\n\n${usage}`);
      return 2;
    }
    if (existsSync(values.out)) {
      console.error(`${values.out} exists already: a key file is never overwritten (its key may be sealing records today).`);
      return 1;
    }
    writeFileSync(values.out, newUpstreamKeyFile(values.id), { mode: 0o600, flag: 'wx' });
    const keys = loadUpstreamKeys(values.out);
    console.log(
      [
        `Wrote ${values.out} (mode 0600): keep it secret, and backed up: without it no record sealed to it can be opened.`,
        'Booths take its public halves in their configuration:',
        `  "vault": { "upstreamKey": { "id": "${keys.sealingKeyId}", "publicKey": "${keys.sealingPublicKey}" } }`,
        `  "sync": { "upstreamSigningKey": "${keys.signingPublicKey}" }`,
      ].join('\n'),
    );
    return 0;
  }

  let keys;
  try {
    keys = loadUpstreamKeys(values.key ?? DEMO_KEY_FILE);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const registration = values.registration ?? (keys.demo ? 'open' : 'closed');
  if (registration !== 'open' && registration !== 'closed') {
    console.error(`--registration is "open" or "closed", not "${registration}".\n\n${usage}`);
    return 2;
  }
  if (!['serve', 'import', 'booth', 'officer'].includes(command)) {
    console.error(`Unknown command "${positionals.join(' ')}".\n\n${usage}`);
    return 2;
  }
  let db: UpstreamDatabase;
  try {
    db = await openDatabase(values, command === 'serve' ? undefined : 1);
  } catch (error) {
    console.error(`The upstream's database cannot be opened: ${(error as Error).message}`);
    return 1;
  }

  if (command === 'serve') {
    const port = Number(values.port ?? process.env['PORT'] ?? DEFAULT_PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      console.error(`--port is a number from 0 to 65535, not "${values.port}".`);
      await db.close();
      return 2;
    }
    const host = values.host ?? '127.0.0.1';
    // PostgreSQL serves many processes: one per core by default, sharing the port (node:cluster). PGlite is one process's.
    const workers = Number(values.workers ?? (db.kind === 'postgres' ? availableParallelism() : 1));
    if (!Number.isInteger(workers) || workers < 1 || workers > 64 || (db.kind === 'pglite' && workers > 1)) {
      console.error(
        db.kind === 'pglite' && workers > 1
          ? '--workers above 1 needs PostgreSQL (DATABASE_URL): PGlite belongs to one process.'
          : `--workers is a number from 1 to 64, not "${values.workers}".`,
      );
      await db.close();
      return 2;
    }
    if (workers > 1 && cluster.isPrimary) {
      await db.close();
      return serveWithWorkers(workers, { host, banner: (bound) => banner(host, bound, db, keys, registration, workers, mail) });
    }
    const smtp = values.smtp ?? process.env['SMTP_URL'] ?? null;
    const mail = { url: smtp, from: values['mail-from'] ?? process.env['MAIL_FROM'] ?? DEFAULT_MAIL_FROM };
    const app = await createUpstreamServer({ db, keys, registration, logger: false, mail });
    try {
      await app.listen({ port, host });
    } catch (error) {
      console.error(`Cannot listen on ${host}:${port}: ${(error as Error).message}`);
      await db.close();
      return 1;
    }
    const address = app.server.address();
    const bound = typeof address === 'object' && address ? address.port : port;
    // A cluster worker leaves the banner to the primary.
    if (cluster.isPrimary) console.log(banner(host, bound, db, keys, registration, 1, mail));
    await new Promise<void>((done) => {
      const stop = () => done();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await app.close();
    await db.close();
    return 0;
  }

  try {
    const registry = new BoothRegistry(db);
    if (command === 'import') {
      if (!sub || rest.length > 0) {
        console.error(`import needs one export folder.\n\n${usage}`);
        return 2;
      }
      return await importExport(db, keys, registry, sub, Boolean(values.json));
    }
    if (command === 'officer') return await officerCommand(db, keys, sub, rest, values);
    if (sub === 'add' && rest.length === 2) {
      const [boothId, publicKey] = rest as [string, string];
      if (!/^[A-Za-z0-9-]{1,64}$/.test(boothId) || !/^[A-Za-z0-9_-]{43}$/.test(publicKey)) {
        console.error('booth add takes the booth id (letters, digits, dashes) and its key (43 base64url characters).');
        return 2;
      }
      try {
        ed25519FromText(publicKey);
      } catch {
        console.error(`${publicKey} is not an Ed25519 public key.`);
        return 2;
      }
      const outcome = await registry.register(boothId, publicKey, 'operator');
      if (!outcome.ok) {
        console.error(outcome.message);
        return 1;
      }
      console.log(outcome.created ? `Booth ${boothId} registered.` : `Booth ${boothId} was registered already with this key.`);
      return 0;
    }
    if (sub === 'revoke' && rest.length === 1) {
      const revoked = await registry.revoke(rest[0]!, values.reason ?? 'revoked by the operator');
      if (!revoked) {
        console.error(`No booth ${rest[0]} in the registry.`);
        return 1;
      }
      console.log(`Booth ${rest[0]} revoked: its requests are refused from now on.`);
      return 0;
    }
    if (sub === 'list' && rest.length === 0) {
      const booths = await db.query<{
        booth_id: string;
        status: string;
        public_key: string;
        registered_by: string;
        records_received: number;
      }>('SELECT booth_id, status, public_key, registered_by, records_received FROM booths ORDER BY booth_id');
      if (values.json) console.log(JSON.stringify(booths, null, 2));
      else if (booths.length === 0) console.log('No booth is registered.');
      else
        for (const booth of booths)
          console.log(
            `${booth.booth_id.padEnd(24)} ${booth.status.padEnd(8)} ${booth.public_key}  ${booth.records_received} records  (${booth.registered_by})`,
          );
      return 0;
    }
    console.error(`Unknown command "${positionals.join(' ')}".\n\n${usage}`);
    return 2;
  } finally {
    await db.close();
  }
}

async function officerCommand(
  db: UpstreamDatabase,
  keys: UpstreamKeys,
  sub: string | undefined,
  rest: string[],
  values: { name?: string; 'password-file'?: string; json?: boolean },
): Promise<number> {
  const officers = new Officers(db, keys);
  if (sub === 'add' && rest.length === 1) {
    if (!values.name) {
      console.error(`officer add needs --name "FULL NAME" (shown on the console and in the audit log).\n\n${usage}`);
      return 2;
    }
    const source = values['password-file'];
    let password: string;
    try {
      password = (source ? readFileSync(source, 'utf8') : readFileSync(0, 'utf8')).split(/\r?\n/)[0] ?? '';
    } catch (error) {
      console.error(`The password cannot be read from ${source ?? 'stdin'}: ${(error as Error).message}`);
      return 2;
    }
    const added = await officers.add(rest[0]!, values.name, password);
    if (!added.ok) {
      console.error(`Officer ${rest[0]} not added: ${added.message}.`);
      return added.code === 'EXISTS' ? 1 : 2;
    }
    console.log(`Officer ${rest[0]} (${values.name}) added: they log in at /console/ on the upstream.`);
    return 0;
  }
  if (sub === 'disable' && rest.length === 1) {
    if (!(await officers.disable(rest[0]!))) {
      console.error(`No officer ${rest[0]}.`);
      return 1;
    }
    console.log(`Officer ${rest[0]} disabled: their sessions ended, and their logins are refused.`);
    return 0;
  }
  if (sub === 'list' && rest.length === 0) {
    const rows = await db.query<{ officer_id: string; display_name: string; status: string; last_login_at: Date | null }>(
      'SELECT officer_id, display_name, status, last_login_at FROM officers ORDER BY officer_id',
    );
    if (values.json) console.log(JSON.stringify(rows, null, 2));
    else if (rows.length === 0) console.log('No officer yet: add one with "officer add".');
    else
      for (const row of rows)
        console.log(
          `${row.officer_id.padEnd(20)} ${row.status.padEnd(9)} ${row.display_name}  (last login ${row.last_login_at?.toISOString() ?? 'never'})`,
        );
    return 0;
  }
  console.error(`Unknown command "officer ${[sub, ...rest].join(' ')}".\n\n${usage}`);
  return 2;
}

function banner(
  host: string,
  bound: number,
  db: UpstreamDatabase,
  keys: UpstreamKeys,
  registration: string,
  workers: number,
  mail: { url: string | null },
): string {
  return [
    `Reference upstream on http://${host}:${bound}  (fleet page: http://${host}:${bound}/fleet)`,
    `  officers      http://${host}:${bound}/console/  (add one with "npm run upstream -- officer add")`,
    `  e-mail        ${mail.url ? mail.url.replace(/\/\/[^@/]*@/, '//') : 'NO SMTP SERVER: activation codes are not sent (--smtp URL)'}`,
    `  storage       ${db.kind === 'postgres' ? `PostgreSQL ${db.location}` : `PGlite in ${db.location}`}`,
    `  processes     ${workers}`,
    `  keys          ${keys.sealingKeyId}${keys.demo ? '  (DEMO KEYS: their private halves are public; for trying out only)' : ''}`,
    `  registration  ${registration === 'open' ? 'open: unknown booths may register their own key (demo only)' : 'closed: booths are added with "booth add"'}`,
  ].join('\n');
}

/** The primary of a multi-process upstream: starts the workers, prints the banner once they listen, stops them on a signal. */
async function serveWithWorkers(workers: number, options: { host: string; banner: (port: number) => string }): Promise<number> {
  const started = Array.from({ length: workers }, () => cluster.fork());
  let listening = 0;
  cluster.on('listening', (_worker, address) => {
    if (++listening === workers) console.log(options.banner(address.port));
  });
  let stopping = false;
  cluster.on('exit', (worker, code, signal) => {
    if (!stopping) console.error(`Upstream worker ${worker.process.pid} ended (${code ?? signal}); the others go on.`);
  });
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  stopping = true;
  await Promise.all(
    started.map(
      (worker) =>
        new Promise<void>((done) => {
          if (worker.isDead()) return done();
          worker.once('exit', () => done());
          worker.kill('SIGTERM');
        }),
    ),
  );
  return 0;
}

async function importExport(
  db: UpstreamDatabase,
  keys: ReturnType<typeof loadUpstreamKeys>,
  registry: BoothRegistry,
  folder: string,
  json: boolean,
): Promise<number> {
  // The manifest names its booth; its records are checked against the key the registry holds for it, not the manifest's own.
  const first = checkExport(folder);
  if (!first.manifest) {
    console.error(`${folder} is not a booth export: ${first.problems.join('; ')}`);
    return 1;
  }
  const booth = await registry.find(first.manifest.boothId);
  if (!booth) {
    console.error(`The export is from booth ${first.manifest.boothId}, which is not registered: register it first ("booth add").`);
    return 1;
  }
  if (booth.status === 'revoked') {
    console.error(`The export is from booth ${booth.boothId}, which was revoked: nothing taken.`);
    return 1;
  }
  const checked = checkExport(folder, booth.publicKey);
  const outcomes =
    checked.valid.length > 0
      ? await takeRecords(
          { db, keys, registry },
          checked.valid.map((item) => item.sealed),
          booth.boothId,
          'import',
        )
      : [];
  const stored = outcomes.filter((outcome) => outcome.status === 201).length;
  const already = outcomes.filter((outcome) => outcome.status === 200).length;
  const refused = outcomes
    .filter((outcome) => 'code' in outcome)
    .map((outcome) => `${outcome.id}: ${'code' in outcome ? `${outcome.code}: ${outcome.message}` : ''}`);
  const problems = [...checked.problems, ...refused];
  const summary = {
    folder,
    boothId: booth.boothId,
    records: checked.manifest?.records.length ?? 0,
    stored,
    alreadyReceived: already,
    problems,
  };
  if (json) console.log(JSON.stringify(summary, null, 2));
  else
    console.log(
      [
        `Import of ${folder} (booth ${booth.boothId}): ${stored} records stored, ${already} already received.`,
        ...(problems.length > 0 ? ['Not taken:', ...problems.map((line) => `  ${line}`)] : []),
      ].join('\n'),
    );
  return problems.length === 0 ? 0 : 1;
}

if (
  process.argv[1] &&
  resolve(process.argv[1]).replace(/\.[cm]?[jt]s$/, '') === resolve(new URL(import.meta.url).pathname).replace(/\.[cm]?[jt]s$/, '')
)
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
