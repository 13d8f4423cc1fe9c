// docs/upstream-api.json (OpenAPI 3.1) is the source of truth for the
// booth ↔ upstream API, so it is held to the three things it describes:
//   - the OpenAPI 3.1 schema (and every $ref resolves, every schema
//     compiles under strict Ajv);
//   - the routes the server registers, read with Fastify's onRoute hook
//     (added to the instance createUpstreamServer makes, before it declares
//     its routes), and the answers the running server gives (statuses,
//     bodies and the response headers the document declares, such as
//     Server-Timing on every answer and Retry-After on 503 BUSY);
//   - the contract's zod schemas (src/shared/upstream/api.ts): the same
//     bodies, and a set of mutations of them, must be accepted or refused
//     by both.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { contentDigest, SIGNATURE_ALGORITHM, SIGNATURE_PARAMS, signBoothRequest, SIGNED_COMPONENTS } from '../../../src/core/sync';
import { cbor, sealRecord, uuidv7, x25519PublicKey } from '../../../src/core/vault';
import {
  healthAnswerSchema,
  heartbeatBodySchema,
  registerBodySchema,
  upstreamErrorCodes,
  upstreamErrorSchema,
} from '../../../src/shared/upstream/api';
import { SIGNATURE_FUTURE_S, SIGNATURE_MAX_AGE_S } from '../../../src/upstream/boothAuth';
import { BoothRegistry } from '../../../src/upstream/registry';
import { MAX_BATCH_RECORDS, MAX_BODY_BYTES, MAX_RECORD_REQUESTS_IN_FLIGHT } from '../../../src/upstream/server';
import { startTestUpstream, testUpstreamKeys, type TestUpstream } from '../../support/upstream';
import { sampleEnrollment } from '../../support/vault';

/** Every route Fastify registers, as its onRoute hook sees it (HEAD routes included). */
const registered = vi.hoisted(() => [] as Array<{ method: string; url: string; schema: unknown }>);
vi.mock('fastify', async (importOriginal) => {
  const original = await importOriginal<typeof import('fastify')>();
  const create = ((options?: object) => {
    const app = original.default(options as never);
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) registered.push({ method, url: route.url, schema: route.schema });
    });
    return app;
  }) as unknown as typeof original.default;
  return { ...original, default: create, fastify: create };
});

type Json = Record<string, unknown>;
type Operation = { security?: unknown[]; parameters?: Json[]; requestBody?: Json; responses: Record<string, Json>; description?: string };
const doc = JSON.parse(readFileSync(new URL('../../../docs/upstream-api.json', import.meta.url), 'utf8')) as {
  info: Json;
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, Json>;
    securitySchemes: Record<string, Json>;
    responses: Record<string, Json>;
    parameters: Json;
    headers: Record<string, Json>;
  };
};
const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
);
const operation = (method: string, path: string) => doc.paths[path]?.[method.toLowerCase()] as Operation;
/** Follows a local $ref ("#/components/..."). */
function resolve<T = Json>(value: unknown): T {
  const ref = (value as { $ref?: string }).$ref;
  if (!ref) return value as T;
  return resolve(
    ref
      .slice(2)
      .split('/')
      .reduce<unknown>((node, key) => (node as Json | undefined)?.[key], doc),
  );
}

// The document's schemas under strict Ajv (2020-12, OpenAPI 3.1's dialect), their refs pointed at $defs.
const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
addFormats(ajv);
ajv.addKeyword('example');
ajv.addSchema({
  $id: 'upstream-api',
  $defs: JSON.parse(JSON.stringify(doc.components.schemas).replaceAll('#/components/schemas/', '#/$defs/')),
});
function validatorOf(schema: unknown) {
  const ref = (schema as { $ref?: string }).$ref;
  const validate = ref ? ajv.getSchema(`upstream-api#/$defs/${ref.split('/').pop()}`) : ajv.compile(schema as Json);
  if (!validate) throw new Error(`no schema ${ref}`);
  return (value: unknown) => (validate(value) ? null : ajv.errorsText(validate.errors));
}
const requestSchema = (method: string, path: string) =>
  (resolve(operation(method, path).requestBody) as { content: Record<string, { schema: unknown }> }).content['application/json']!.schema;

const registerExample = { boothId: 'BOOTH-DOC-01', publicKey: 'A'.repeat(43), softwareVersion: '0.1.0' };
const heartbeatExample = {
  boothId: 'BOOTH-DOC-01',
  sentAt: '2026-01-05T08:00:00.000Z',
  queue: { depth: 3, oldestAgeSeconds: 12.5 },
  sync: {
    state: 'idle',
    lastSuccessAt: '2026-01-05T07:59:00.000Z',
    lastError: { code: 'OFFLINE', message: 'no route', at: 'x' },
    clockOffsetMs: 40,
  },
  disk: { freeBytes: 1e10 },
  software: { version: '0.1.0', models: { detector: 'v1' } },
  selfTest: { state: 'failed', detail: 'camera' },
};
const heartbeatNulls = {
  ...heartbeatExample,
  queue: { depth: 0, oldestAgeSeconds: null },
  sync: { state: 'starting', lastSuccessAt: null, lastError: null, clockOffsetMs: null },
  disk: { freeBytes: null },
  software: { version: '', models: {} },
  selfTest: { state: 'none', detail: null },
};
const jsonBodies: Array<{ path: string; zod: z.ZodType; examples: Json[] }> = [
  { path: '/v1/booths/register', zod: registerBodySchema, examples: [registerExample] },
  { path: '/v1/heartbeats', zod: heartbeatBodySchema, examples: [heartbeatExample, heartbeatNulls] },
];

/** Every path into a JSON value (objects and leaves), e.g. ['sync', 'lastError', 'code']. */
const pathsOf = (value: unknown, prefix: string[] = []): string[][] =>
  typeof value === 'object' && value !== null
    ? [prefix, ...Object.entries(value).flatMap(([key, inner]) => pathsOf(inner, [...prefix, key]))]
    : [prefix];
function edited(value: Json, path: string[], edit: (parent: Json, key: string) => void): Json {
  const copy = structuredClone(value);
  const parent = path.slice(0, -1).reduce<Json>((node, key) => node[key] as Json, copy);
  edit(parent, path[path.length - 1]!);
  return copy;
}
/**
 * Values at the edges of every limit the given schemas state: each enum and const value, strings one shorter, as long and one
 * longer than each length (maxLength, minLength, {m,n} in a pattern), numbers around each minimum and maximum. Taken from the
 * document and from the contract (zod's own JSON Schema), a limit either side adds or changes is tried on both.
 */
function boundaryValues(...schemas: unknown[]): unknown[] {
  const values: unknown[] = [null, true, 0.5, {}, [], ['a'], { a: 'b' }, { a: 1 }, 'BOOTH_01', 'BOOTH-01\n'];
  const walk = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    const schema = node as Json;
    if (Array.isArray(schema.enum)) values.push(...(schema.enum as unknown[]));
    if ('const' in schema) values.push(schema.const);
    const counts = [schema.maxLength, schema.minLength].filter((count) => typeof count === 'number') as number[];
    if (typeof schema.pattern === 'string')
      for (const match of schema.pattern.matchAll(/\{(\d+)(?:,(\d+))?\}/g)) counts.push(...match.slice(1).filter(Boolean).map(Number));
    for (const count of counts) values.push(...[count - 1, count, count + 1].filter((n) => n >= 0).map((n) => 'a'.repeat(n)));
    for (const bound of [schema.minimum, schema.maximum])
      if (typeof bound === 'number') values.push(bound - 1, bound - 0.5, bound, bound + 0.5, bound + 1);
    Object.values(schema).forEach(walk);
  };
  schemas.forEach(walk);
  return [...new Map(values.map((value) => [JSON.stringify(value), value])).values()];
}

describe('docs/upstream-api.json', () => {
  it('is a valid OpenAPI 3.1 document, every $ref resolves and every schema compiles under strict Ajv', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as Json);
    if (!result.valid) console.error('docs/upstream-api.json is not valid OpenAPI:', JSON.stringify(result.errors, null, 2));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(doc.info).toMatchObject({ title: 'Anjungan IKD reference upstream', version: '1' });
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((match) => match[1]!);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of new Set(refs)) expect(resolve({ $ref: ref }), ref).toBeTypeOf('object');
    for (const name of Object.keys(doc.components.schemas))
      expect(ajv.getSchema(`upstream-api#/$defs/${name}`), name).toBeTypeOf('function');
  });

  it("lists exactly the contract's error codes", () => {
    expect(doc.components.schemas.UpstreamErrorCode!.enum).toEqual([...upstreamErrorCodes]);
  });

  it('describes the signature the booth makes and the upstream checks, and the upstream limits', () => {
    const scheme = doc.components.securitySchemes.boothSignature as { type: string; in: string; name: string; description: string };
    expect(scheme).toMatchObject({ type: 'apiKey', in: 'header', name: 'Signature' });
    const named = [...SIGNED_COMPONENTS, ...SIGNATURE_PARAMS, SIGNATURE_ALGORITHM, 'RFC 9421', 'RFC 9530', 'sha-256', 'Content-Digest'];
    for (const word of named) expect(scheme.description).toContain(word);
    expect(scheme.description).toContain(`${SIGNATURE_MAX_AGE_S} s before`);
    expect(scheme.description).toContain(`${SIGNATURE_FUTURE_S} s after`);
    expect(resolve<Json>(doc.components.responses.TooLarge).description).toContain(String(MAX_BODY_BYTES));
    expect(operation('POST', '/v1/records').description).toContain(`up to ${MAX_BATCH_RECORDS} sealed records`);
    expect(operation('POST', '/v1/records').responses['413']!.description).toContain(`more than ${MAX_BATCH_RECORDS} records`);
    const busy = resolve<Json>(doc.components.responses.Busy);
    expect(busy.description).toContain(`${MAX_RECORD_REQUESTS_IN_FLIGHT} per process`);
    expect(doc.info.description).toContain(`already taking ${MAX_RECORD_REQUESTS_IN_FLIGHT} record requests`);
    expect(doc.components.schemas.UpstreamErrorCode!.description).toContain(
      `already takes ${MAX_RECORD_REQUESTS_IN_FLIGHT} record requests`,
    );
  });

  it('declares Server-Timing on every answer, and 503 BUSY with Retry-After on the record routes only', () => {
    type Header = { required?: boolean; schema: { pattern: string } };
    const header = (response: Json, name: string) => {
      const headers = resolve<{ headers?: Record<string, unknown> }>(response).headers ?? {};
      return headers[name] ? resolve<Header>(headers[name]) : undefined;
    };
    for (const { method, path, operation: described } of operations)
      for (const [status, response] of Object.entries(described.responses)) {
        const timing = header(response, 'Server-Timing');
        expect(timing, `${method} ${path} ${status}`).toMatchObject({ required: true });
        expect(timing!.schema.pattern, `${method} ${path} ${status}`).toMatch(/^\^app;dur=/);
      }
    const timing = header(operation('POST', '/v1/records').responses['200']!, 'Server-Timing')!;
    expect('app;dur=12.0, body;dur=1.5, verify;dur=0.5, intake;dur=10.0').toMatch(new RegExp(timing.schema.pattern));
    expect('app;dur=12.0').not.toMatch(new RegExp(timing.schema.pattern));
    const shed = operations.filter(({ operation: described }) => described.responses['503']).map(({ method, path }) => `${method} ${path}`);
    expect(shed.sort()).toEqual(['POST /v1/records', 'PUT /v1/records/{id}']);
    for (const path of ['/v1/records', '/v1/records/{id}']) {
      const busy = operation(path.endsWith('}') ? 'PUT' : 'POST', path).responses['503']!;
      expect(resolve<Json>(busy).description).toContain('BUSY');
      expect(header(busy, 'Retry-After')).toMatchObject({ required: true });
    }
    // Nothing describes the old behaviours as current.
    const text = JSON.stringify(doc);
    expect(text).not.toContain('does not send it');
    expect(text).not.toContain('stored all the same');
    expect(text).not.toContain('exactly application/cbor');
    expect(text).not.toContain('gets 401 BAD_SIGNATURE');
  });

  describe.each(jsonBodies)('the JSON body of POST $path', ({ path, zod, examples }) => {
    const validate = validatorOf(requestSchema('POST', path));
    const documented = Object.values(
      (resolve(operation('POST', path).requestBody) as { content: Record<string, { examples: Record<string, { value: Json }> }> }).content[
        'application/json'
      ]!.examples,
    ).map((example) => example.value);

    it("takes the hand-built and the document's examples, in the contract and in the document", () => {
      expect(documented.length).toBeGreaterThan(0);
      for (const example of [...examples, ...documented]) {
        expect(zod.safeParse(example).error).toBeUndefined();
        expect(validate(example)).toBeNull();
      }
    });

    it('refuses an extra field, in the contract and in the document', () => {
      for (const example of examples) {
        const extra = { ...example, extra: 1 };
        expect(zod.safeParse(extra).success).toBe(false);
        expect(validate(extra)).toContain('must NOT have additional properties');
      }
    });

    it('agrees with the contract on every field removed, added or replaced by a boundary value', () => {
      const candidates = boundaryValues(doc.components.schemas, z.toJSONSchema(zod));
      const disagreements: string[] = [];
      let refused = 0;
      for (const example of examples)
        for (const at of pathsOf(example)) {
          const here = at.reduce<unknown>((node, key) => (node as Json)[key], example);
          const variants: Array<[string, Json]> = [];
          if (typeof here === 'object' && here !== null)
            variants.push([`${at.join('.')} + extra`, edited(example, [...at, 'extra'], (p, k) => (p[k] = 'x'))]);
          if (at.length > 0) {
            variants.push([`without ${at.join('.')}`, edited(example, at, (p, k) => delete p[k])]);
            for (const value of candidates)
              variants.push([`${at.join('.')} = ${JSON.stringify(value)}`, edited(example, at, (p, k) => (p[k] = structuredClone(value)))]);
          }
          for (const [label, variant] of variants) {
            const byContract = zod.safeParse(variant).success;
            const byDocument = validate(variant) === null;
            if (!byContract) refused++;
            if (byContract !== byDocument) disagreements.push(`${label}: contract ${byContract}, document ${byDocument}`);
          }
        }
      expect(disagreements).toEqual([]);
      expect(refused).toBeGreaterThan(50);
    });
  });
});

type Signer = { boothId: string; key: KeyObject };
/** A request signed as `as` (RFC 9421), sent with fetch; `extra` headers are added after signing. */
async function sendSigned(
  base: string,
  as: Signer,
  method: string,
  path: string,
  body: Uint8Array,
  type: string,
  extra: Record<string, string> = {},
) {
  const url = `${base}${path}`;
  const request = await signBoothRequest({
    method,
    url,
    body,
    contentType: type,
    boothId: as.boothId,
    signingKey: as.key,
    created: new Date(),
  });
  return fetch(url, {
    method,
    headers: { ...request.headers, ...extra },
    body: method === 'GET' ? undefined : (body as unknown as ArrayBuffer),
  });
}
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
/**
 * Checks that the answer's status and Content-Type are documented for the operation, every header the documented answer
 * declares (present when required, its value valid for its schema), and a JSON body against its schema.
 */
async function documented(method: string, path: string, response: Response) {
  const answer = resolve<{ content?: Record<string, { schema: unknown }>; headers?: Record<string, unknown> }>(
    operation(method, path).responses[String(response.status)],
  );
  expect(answer, `${method} ${path} answers ${response.status}, which the document does not list`).toBeDefined();
  for (const [name, declared] of Object.entries(answer.headers ?? {})) {
    const header = resolve<{ required?: boolean; schema: unknown }>(declared);
    const value = response.headers.get(name);
    if (header.required) expect(value, `${method} ${path} ${response.status} has no ${name} header`).not.toBeNull();
    if (value !== null) expect(validatorOf(header.schema)(value), `${method} ${path} ${response.status} ${name}: ${value}`).toBeNull();
  }
  const type = (response.headers.get('content-type') ?? '').split(';')[0]!;
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (!answer.content) return bytes;
  expect(Object.keys(answer.content), `${method} ${path} ${response.status}`).toContain(type);
  if (type !== 'application/json') return bytes;
  const body = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  expect(validatorOf(answer.content[type]!.schema)(body), `${method} ${path} ${response.status}`).toBeNull();
  return body;
}
/** A refusal: its status, documented, with this error code; returns the message. */
async function refused(method: string, path: string, response: Response, status: number, code: string) {
  expect(response.status, `${method} ${path}`).toBe(status);
  const body = upstreamErrorSchema.parse(await documented(method, path, response));
  expect(body.error.code, `${method} ${path}: ${body.error.message}`).toBe(code);
  return body.error.message;
}

describe('the reference upstream against docs/upstream-api.json', () => {
  let upstream: TestUpstream;
  const keys = generateKeyPairSync('ed25519');
  const publicKey = keys.publicKey.export({ format: 'jwk' }).x!;
  const boothId = 'BOOTH-DOC-01';
  const booth: Signer = { boothId, key: keys.privateKey };
  beforeAll(async () => {
    registered.length = 0;
    upstream = await startTestUpstream('pglite');
  }, 60_000);
  afterAll(async () => upstream?.close());

  const signed = (method: string, path: string, body: Uint8Array, type: string, extra: Record<string, string> = {}, as = booth) =>
    sendSigned(upstream.url, as, method, path, body, type, extra);

  it('describes every route the server registers, and no other', () => {
    const gets = registered.filter((route) => route.method === 'GET').map((route) => route.url);
    expect(registered.filter((route) => route.method === 'HEAD').map((route) => route.url)).toEqual(gets);
    // The officer console's routes (/console/…) are the officer's contract (src/shared/officer), not the booths'.
    const byServer = registered
      .filter((route) => route.method !== 'HEAD' && !route.url.startsWith('/console'))
      .map((route) => `${route.method} ${route.url}`);
    const byDocument = operations.map(({ method, path }) => `${method} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
    expect(byServer.length).toBeGreaterThanOrEqual(8);
    expect(byDocument.sort()).toEqual(byServer.sort());
    for (const { method, path } of operations)
      expect(upstream.app.hasRoute({ method: method as 'GET', url: path.replace(/\{(\w+)\}/g, ':$1') }), `${method} ${path}`).toBe(true);
    expect(upstream.app.hasRoute({ method: 'DELETE', url: '/v1/records/:id' })).toBe(false);
  });

  it("documents PUT /v1/records/{id}'s id and Idempotency-Key as the route's own schema checks them", () => {
    const route = registered.find((entry) => entry.method === 'PUT')!.schema as {
      params: { properties: { id: unknown }; required: string[] };
      headers: { required: string[] };
    };
    const parameters = operation('PUT', '/v1/records/{id}').parameters!.map((parameter) => resolve<Json>(parameter));
    const id = parameters.find((parameter) => parameter.name === 'id')!;
    expect(id).toMatchObject({ in: 'path', required: true, schema: route.params.properties.id });
    const documentedHeaders = parameters.filter((p) => p.in === 'header' && p.required).map((p) => String(p.name).toLowerCase());
    expect(documentedHeaders).toEqual(expect.arrayContaining(route.headers.required));
    expect(documentedHeaders).toContain('idempotency-key');
  });

  it('enforces the signature on the operations the document marks signed, and only on those', async () => {
    const signedOperations: string[] = [];
    for (const { method, path, operation: described } of operations) {
      const schemes = (described.security ?? []).flatMap((requirement) => Object.keys(requirement as Json));
      expect(described.security, `${method} ${path} says whether it is signed`).toBeDefined();
      const id = uuidv7();
      const url = `${upstream.url}${path.replace('{id}', id)}`;
      if (method === 'GET' && schemes.length === 0) {
        const response = await fetch(url, { redirect: 'manual' });
        expect(response.status, `${method} ${path}`).toBeLessThan(400);
        expect(schemes).toEqual([]);
        await documented(method, path, response);
        continue;
      }
      if (schemes.length === 0) {
        // The IKD app's redemption: open to anyone, refused by its own rule (no code was issued for this NIK).
        const body = JSON.stringify({ code: '000000', nikDigest: 'A'.repeat(43) });
        await refused(method, path, await fetch(url, { method, headers: { 'content-type': 'application/json' }, body }), 401, 'WRONG_CODE');
        expect(`${method} ${path}`).toBe('POST /v1/activations/redeem');
        continue;
      }
      if (method === 'GET') {
        const empty = new Uint8Array();
        const headers = { 'content-type': 'application/json', 'content-digest': contentDigest(empty) };
        await refused(method, path, await fetch(url, { headers }), 401, 'BAD_SIGNATURE');
        expect(schemes).toEqual(['boothSignature']);
        signedOperations.push(`${method} ${path}`);
        continue;
      }
      // A well-formed request with its Content-Digest but no signature: refused as unsigned.
      const type = Object.keys((resolve(described.requestBody) as { content: Json }).content)[0]!;
      const body =
        type === 'application/json' ? json(path.includes('register') ? registerExample : heartbeatExample) : cbor.encode({ v: 1 });
      const headers = { 'content-type': type, 'content-digest': contentDigest(body), 'idempotency-key': id };
      const response = await fetch(url, { method, headers, body: body as unknown as ArrayBuffer });
      await refused(method, path, response, 401, 'BAD_SIGNATURE');
      expect(schemes).toEqual(['boothSignature']);
      signedOperations.push(`${method} ${path}`);
    }
    expect(signedOperations.sort()).toEqual([
      'GET /v1/signoff/{id}',
      'POST /v1/booths/register',
      'POST /v1/heartbeats',
      'POST /v1/records',
      'PUT /v1/records/{id}',
    ]);
  });

  it('answers registration, heartbeats, health, fleet and refusals as documented', async () => {
    const register = { boothId, publicKey, softwareVersion: '0.1.0' };
    const created = await signed('POST', '/v1/booths/register', json(register), 'application/json');
    expect(created.status).toBe(201);
    expect(await documented('POST', '/v1/booths/register', created)).toEqual({ ok: true, boothId, created: true });
    // Media types are compared without their parameters.
    const again = await signed('POST', '/v1/booths/register', json(register), 'application/json; charset=utf-8');
    expect(again.status).toBe(200);
    expect(await documented('POST', '/v1/booths/register', again)).toMatchObject({ created: false });

    const beat = await signed('POST', '/v1/heartbeats', json(heartbeatExample), 'application/json');
    expect(beat.status).toBe(200);
    await documented('POST', '/v1/heartbeats', beat);
    const charset = await signed('POST', '/v1/heartbeats', json(heartbeatExample), 'application/json; charset=utf-8');
    expect(charset.status).toBe(200);
    await documented('POST', '/v1/heartbeats', charset);
    const extra = await signed('POST', '/v1/heartbeats', json({ ...heartbeatExample, extra: 1 }), 'application/json');
    await refused('POST', '/v1/heartbeats', extra, 400, 'BAD_REQUEST');
    // The heartbeat's Content-Type is checked once the signature is (CBOR is a type Fastify reads, so the route refuses it).
    const asCbor = await signed('POST', '/v1/heartbeats', json(heartbeatExample), 'application/cbor');
    expect(await refused('POST', '/v1/heartbeats', asCbor, 415, 'BAD_REQUEST')).toContain('application/json');
    const unsignedCbor = await fetch(`${upstream.url}/v1/heartbeats`, {
      method: 'POST',
      headers: { 'content-type': 'application/cbor', 'content-digest': contentDigest(json(heartbeatExample)) },
      body: json(heartbeatExample) as unknown as ArrayBuffer,
    });
    await refused('POST', '/v1/heartbeats', unsignedCbor, 401, 'BAD_SIGNATURE');

    const enrollmentId = uuidv7();
    const pending = await signed('GET', `/v1/signoff/${enrollmentId}?wait=0`, new Uint8Array(), 'application/json');
    expect(await documented('GET', '/v1/signoff/{id}', pending)).toMatchObject({ enrollmentId, state: 'pending' });
    await refused(
      'GET',
      '/v1/signoff/{id}',
      await signed('GET', '/v1/signoff/not-a-uuid', new Uint8Array(), 'application/json'),
      400,
      'BAD_REQUEST',
    );

    const health = await fetch(`${upstream.url}/v1/health`);
    expect(healthAnswerSchema.safeParse(await documented('GET', '/v1/health', health)).success).toBe(true);
    const fleet = (await documented('GET', '/v1/fleet', await fetch(`${upstream.url}/v1/fleet`))) as { booths: Json[] };
    expect(fleet.booths).toEqual([expect.objectContaining({ boothId, heartbeat: heartbeatExample })]);
    const root = await fetch(`${upstream.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    const location = resolve<{ headers: { Location: { schema: { const: string } } } }>(operation('GET', '/').responses['302']);
    expect(root.headers.get('location')).toBe(location.headers.Location.schema.const);
    await documented('GET', '/', root);
    const unknown = await fetch(`${upstream.url}/v1/nothing`);
    expect(unknown.status).toBe(404);
    // Every answer carries Server-Timing, the 404 of no route too.
    const timing = resolve<{ schema: { pattern: string } }>(doc.components.headers.ServerTiming);
    expect(unknown.headers.get('server-timing')).toMatch(new RegExp(timing.schema.pattern));
    expect(validatorOf({ $ref: '#/components/schemas/UpstreamError' })(await unknown.json())).toBeNull();
  });

  it('checks a registration with the key it presents, then refuses revoked booths and other keys as documented', async () => {
    const register = (id: string, key: string) => json({ boothId: id, publicKey: key, softwareVersion: '0.1.0' });
    const path = '/v1/booths/register';
    const newKeys = generateKeyPairSync('ed25519');
    const newKey = newKeys.publicKey.export({ format: 'jwk' }).x!;
    // A known booth presenting another key, signed with that key (it proves possession): 409, the registry keeps the old key.
    const mismatch = await signed('POST', path, register(boothId, newKey), 'application/json', {}, { boothId, key: newKeys.privateKey });
    expect(await refused('POST', path, mismatch, 409, 'BOOTH_KEY_MISMATCH')).toContain(boothId);
    // The same, signed with the registered key: the signature is checked with the key in the body, so it does not verify.
    const notPossessed = await signed('POST', path, register(boothId, newKey), 'application/json');
    await refused('POST', path, notPossessed, 401, 'BAD_SIGNATURE');
    const [row] = await upstream.db.query<{ public_key: string; status: string }>(
      'SELECT public_key, status FROM booths WHERE booth_id = $1',
      [boothId],
    );
    expect(row).toEqual({ public_key: publicKey, status: 'active' });

    // A revoked booth: 403 BOOTH_REVOKED, with its own key or another one.
    const revokedKeys = generateKeyPairSync('ed25519');
    const revoked: Signer = { boothId: 'BOOTH-DOC-REVOKED', key: revokedKeys.privateKey };
    const revokedKey = revokedKeys.publicKey.export({ format: 'jwk' }).x!;
    const first = await signed('POST', path, register(revoked.boothId, revokedKey), 'application/json', {}, revoked);
    expect(first.status).toBe(201);
    await documented('POST', path, first);
    expect(await new BoothRegistry(upstream.db).revoke(revoked.boothId, 'stolen')).toBe(true);
    const again = await signed('POST', path, register(revoked.boothId, revokedKey), 'application/json', {}, revoked);
    expect(await refused('POST', path, again, 403, 'BOOTH_REVOKED')).toContain('stolen');
    const otherKey = await signed(
      'POST',
      path,
      register(revoked.boothId, newKey),
      'application/json',
      {},
      {
        boothId: revoked.boothId,
        key: newKeys.privateKey,
      },
    );
    await refused('POST', path, otherKey, 403, 'BOOTH_REVOKED');

    // The media type: CBOR (a type Fastify reads) is refused by the route, any other type before anything else.
    for (const type of ['application/cbor', 'text/plain']) {
      const wrongType = await signed('POST', path, register(boothId, publicKey), type);
      await refused('POST', path, wrongType, 415, 'BAD_REQUEST');
    }
  });

  it("takes records with the documented statuses, and their CBOR has the fields the document's CDDL names", async () => {
    const recipient = x25519PublicKey(Buffer.from(testUpstreamKeys.sealingPublicKey, 'base64url'));
    const record = (id: string, seed: number) =>
      sealRecord(
        { id, kind: 'enrollment', about: null, boothId, createdAt: new Date().toISOString() },
        { ...sampleEnrollment(seed, id, 2_000).content, boothId },
        { recipient, recipientKeyId: testUpstreamKeys.sealingKeyId, signing: keys.privateKey },
      );
    const cddlKeys = (schema: string, rule: string) => {
      const text = (doc.components.schemas[schema]!.description as string).replace(/;[^\n]*/g, '');
      const body = new RegExp(`${rule} = \\{([^}]*)\\}`).exec(text)![1]!;
      return [...body.matchAll(/(\w+):/g)].map((match) => match[1]);
    };
    const stored = async (recordId: string) =>
      (await upstream.db.query('SELECT 1 FROM records WHERE record_id = $1', [recordId])).length +
      (await upstream.db.query('SELECT 1 FROM intake WHERE record_id = $1', [recordId])).length;
    const id = uuidv7();
    const sealed = record(id, 1);
    expect(Object.keys(cbor.decode(sealed) as Json)).toEqual(cddlKeys('SealedRecord', 'sealed-record'));
    const PUT = '/v1/records/{id}';
    const put = (bytes: Uint8Array, key = id, path = `/v1/records/${id}`, type = 'application/cbor') =>
      signed('PUT', path, bytes, type, { 'idempotency-key': key });

    // The record sent under another id: refused before anything is stored, so its own id then takes it as new.
    const otherId = uuidv7();
    const elsewhere = await put(sealed, otherId, `/v1/records/${otherId}`);
    expect(await refused('PUT', PUT, elsewhere, 400, 'BAD_REQUEST')).toBe(`the body is not record ${otherId}`);
    expect(await stored(id)).toBe(0);
    expect(await stored(otherId)).toBe(0);
    const notCbor = await put(new Uint8Array([0xff, 0x00]));
    expect(await refused('PUT', PUT, notCbor, 400, 'BAD_REQUEST')).toBe(`the body is not record ${id}`);

    const first = await put(sealed);
    expect(first.status).toBe(201);
    const ack = await documented('PUT', PUT, first);
    expect(Object.keys(cbor.decode(ack as Uint8Array) as Json)).toEqual(cddlKeys('Acknowledgement', 'acknowledgement'));
    // Media types are compared without their parameters.
    const repeat = await put(sealed, id, `/v1/records/${id}`, 'application/cbor; x=1');
    expect(repeat.status).toBe(200);
    expect(Buffer.from((await documented('PUT', PUT, repeat)) as Uint8Array)).toEqual(Buffer.from(ack as Uint8Array));
    const otherBytes = await put(record(id, 2));
    expect(await refused('PUT', PUT, otherBytes, 422, 'DIGEST_MISMATCH')).toBeTruthy();
    const asJson = await put(sealed, id, `/v1/records/${id}`, 'application/json');
    expect(await refused('PUT', PUT, asJson, 415, 'BAD_REQUEST')).toContain('application/cbor');

    // The signature is checked before the Idempotency-Key is compared with the path's id.
    const wrongKey = await put(sealed, uuidv7());
    expect(await refused('PUT', PUT, wrongKey, 400, 'BAD_REQUEST')).toContain('Idempotency-Key');
    const unsignedWrongKey = await fetch(`${upstream.url}/v1/records/${id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/cbor', 'content-digest': contentDigest(sealed), 'idempotency-key': uuidv7() },
      body: sealed as unknown as ArrayBuffer,
    });
    await refused('PUT', PUT, unsignedWrongKey, 401, 'BAD_SIGNATURE');
    const noKey = await fetch(`${upstream.url}/v1/records/${id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/cbor', 'content-digest': contentDigest(sealed) },
      body: sealed as unknown as ArrayBuffer,
    });
    expect(await refused('PUT', PUT, noKey, 400, 'BAD_REQUEST')).toContain('idempotency-key');

    const batch = await signed('POST', '/v1/records', cbor.encode({ records: [sealed, record(uuidv7(), 3)] }), 'application/cbor; x=1');
    expect(batch.status).toBe(200);
    // Its Server-Timing (checked against the document by documented()) gives the phases of the intake.
    expect(batch.headers.get('server-timing')).toMatch(/^app;dur=[\d.]+, body;dur=[\d.]+, verify;dur=[\d.]+, intake;dur=[\d.]+$/);
    const answer = cbor.decode((await documented('POST', '/v1/records', batch)) as Uint8Array) as { results: Json[] };
    expect(Object.keys(answer)).toEqual(cddlKeys('BatchAnswer', 'batch-answer'));
    expect(answer.results.map((result) => result.status)).toEqual([200, 201]);
    for (const result of answer.results) expect(Object.keys(result)).toEqual(cddlKeys('BatchAnswer', 'taken'));
    const tooMany = cbor.encode({ records: Array.from({ length: MAX_BATCH_RECORDS + 1 }, () => sealed) });
    const tooLarge = await signed('POST', '/v1/records', tooMany, 'application/cbor');
    await refused('POST', '/v1/records', tooLarge, 413, 'TOO_LARGE');
    const batchAsJson = await signed('POST', '/v1/records', cbor.encode({ records: [sealed] }), 'application/json');
    await refused('POST', '/v1/records', batchAsJson, 415, 'BAD_REQUEST');
  });
});

describe('a loaded upstream with closed registration against docs/upstream-api.json', () => {
  // One record request at a time: a request held open (its body not finished) fills it.
  let upstream: TestUpstream;
  const keys = generateKeyPairSync('ed25519');
  const booth: Signer = { boothId: 'BOOTH-DOC-02', key: keys.privateKey };
  const publicKey = keys.publicKey.export({ format: 'jwk' }).x!;
  beforeAll(async () => {
    const routesBefore = registered.length;
    upstream = await startTestUpstream('pglite', { registration: 'closed', maxRecordRequestsInFlight: 1 });
    registered.length = routesBefore; // this server's routes are the same; the route checks read the first server's
  }, 60_000);
  afterAll(async () => upstream?.close());

  /** A record request whose body is not finished: in flight until `finish` (resolves with its status). */
  function holdRecordRequest() {
    const held = httpRequest(`${upstream.url}/v1/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/cbor', 'content-length': '2' },
    });
    const status = new Promise<number>((resolve, reject) => {
      held.on('response', (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode!));
      });
      held.on('error', reject);
    });
    status.catch(() => undefined); // reset when the server closes, if a failed test left it open
    held.write(Buffer.from([0xa0]));
    return {
      finish: () => {
        held.end(Buffer.from([0xa0]));
        return status;
      },
    };
  }
  const smallBatch = cbor.encode({ records: [new Uint8Array([1])] });
  const unsignedBatch = (body: Uint8Array = smallBatch) =>
    fetch(`${upstream.url}/v1/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/cbor', 'content-digest': contentDigest(body) },
      body: body as unknown as ArrayBuffer,
    });

  it('answers record requests beyond its limit 503 BUSY with Retry-After: 2, before reading them, and takes them again once free', async () => {
    const before = await unsignedBatch();
    await refused('POST', '/v1/records', before, 401, 'BAD_SIGNATURE');

    const held = holdRecordRequest();
    let busy: Response | null = null;
    for (let attempt = 0; attempt < 100 && !busy; attempt++) {
      const response = await unsignedBatch();
      if (response.status === 503) busy = response;
      else {
        await response.arrayBuffer(); // taken before the held request's headers arrived: try again
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    expect(busy, 'a record request beyond the limit is answered 503').not.toBeNull();
    expect(busy!.headers.get('retry-after')).toBe('2');
    expect(await refused('POST', '/v1/records', busy!, 503, 'BUSY')).toContain('Retry-After');

    // PUT too, signed and well formed; and a body over the size limit gets 503, not 413: it is not read.
    const id = uuidv7();
    const put = await sendSigned(upstream.url, booth, 'PUT', `/v1/records/${id}`, smallBatch, 'application/cbor', {
      'idempotency-key': id,
    });
    expect(put.headers.get('retry-after')).toBe('2');
    await refused('PUT', '/v1/records/{id}', put, 503, 'BUSY');
    const huge = await unsignedBatch(new Uint8Array(MAX_BODY_BYTES + 1));
    expect(huge.headers.get('retry-after')).toBe('2');
    await refused('POST', '/v1/records', huge, 503, 'BUSY');

    // The other routes are not limited.
    await documented('GET', '/v1/health', await fetch(`${upstream.url}/v1/health`));
    const beat = await fetch(`${upstream.url}/v1/heartbeats`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-digest': contentDigest(json(heartbeatExample)) },
      body: json(heartbeatExample) as unknown as ArrayBuffer,
    });
    await refused('POST', '/v1/heartbeats', beat, 401, 'BAD_SIGNATURE');

    // The held request is answered (it has no Content-Digest), and frees its place.
    expect(await held.finish()).toBe(400);
    await refused('POST', '/v1/records', await unsignedBatch(), 401, 'BAD_SIGNATURE');
  });

  it('refuses an unknown booth REGISTRATION_CLOSED, and answers a booth the operator added as documented', async () => {
    const path = '/v1/booths/register';
    const body = json({ boothId: booth.boothId, publicKey, softwareVersion: '0.1.0' });
    const closed = await sendSigned(upstream.url, booth, 'POST', path, body, 'application/json');
    expect(await refused('POST', path, closed, 403, 'REGISTRATION_CLOSED')).toContain(`booth add ${booth.boothId} ${publicKey}`);
    expect(await new BoothRegistry(upstream.db).register(booth.boothId, publicKey, 'operator')).toEqual({ ok: true, created: true });
    const known = await sendSigned(upstream.url, booth, 'POST', path, body, 'application/json');
    expect(known.status).toBe(200);
    expect(await documented('POST', path, known)).toEqual({ ok: true, boothId: booth.boothId, created: false });
    const newKeys = generateKeyPairSync('ed25519');
    const newBody = json({ boothId: booth.boothId, publicKey: newKeys.publicKey.export({ format: 'jwk' }).x!, softwareVersion: '0.1.0' });
    const mismatch = await sendSigned(
      upstream.url,
      { boothId: booth.boothId, key: newKeys.privateKey },
      'POST',
      path,
      newBody,
      'application/json',
    );
    await refused('POST', path, mismatch, 409, 'BOOTH_KEY_MISMATCH');
  });
});
