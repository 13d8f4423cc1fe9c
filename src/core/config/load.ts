// Reads and checks the booth configuration, turning every problem into one
// message a technician can act on (file, key path, what is wrong, a hint).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { boothConfigSchema, type BoothConfig } from './schema';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super(message);
  }
}

/** Parses a configuration object; throws ConfigError listing every problem. */
export function parseConfig(input: unknown, source = 'configuration'): BoothConfig {
  const parsed = boothConfigSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  throw configError(
    source,
    parsed.error.issues.map((issue) => describeIssue(issue)),
  );
}

/** One ConfigError listing every problem, for the schema's checks and those made while starting (e.g. the voice pack). */
export function configError(source: string, problems: string[]): ConfigError {
  return new ConfigError(
    `${source} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n  - ${problems.join('\n  - ')}`,
    problems,
  );
}

/** Loads a JSON configuration file; a missing path means all defaults. */
export function loadConfig(path: string | undefined): BoothConfig {
  if (!path) return parseConfig({});
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new ConfigError(`Cannot read configuration file ${path} (${code}).`, [code]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`Configuration file ${path} is not valid JSON: ${(error as Error).message}`, ['json']);
  }
  return parseConfig(json, `Configuration file ${path}`);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const at = issue.path.length ? issue.path.join('.') : '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(issue.path);
    return issue.keys
      .map((key) => {
        const near = nearest(key, known);
        const where = issue.path.length ? `${at}.${key}` : key;
        return near ? `${where}: unknown key; did you mean "${near}"?` : `${where}: unknown key; known keys here: ${known.join(', ')}`;
      })
      .join('\n  - ');
  }
  return `${at}: ${issue.message}`;
}

function knownKeysAt(path: PropertyKey[]): string[] {
  let schema: z.ZodType = boothConfigSchema;
  for (const key of path) {
    const shape = objectShape(schema);
    const next = shape?.[String(key)];
    if (!next) return [];
    schema = next;
  }
  return Object.keys(objectShape(schema) ?? {});
}

function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let current: z.ZodType = schema;
  // Unwrap defaults/prefaults until the object is reached.
  for (let i = 0; i < 4; i++) {
    if (current instanceof z.ZodObject) return current.shape as Record<string, z.ZodType>;
    const inner = (current as unknown as { def?: { innerType?: z.ZodType } }).def?.innerType;
    if (!inner) return undefined;
    current = inner;
  }
  return undefined;
}

/** The known key closest to a misspelt one, if it is close enough to be a typo. */
export function nearest(key: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 4)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}
