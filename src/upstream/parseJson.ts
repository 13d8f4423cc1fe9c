// A JSON body (raw bytes, as the upstream reads every body) checked with a
// contract schema: the value, or a message that names the first problems.
import type { z } from 'zod';

export function parseJson<T>(schema: z.ZodType<T>, body: Buffer): { ok: true; value: T } | { ok: false; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, message: 'the body is not JSON' };
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    message: parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
      .join('; '),
  };
}
