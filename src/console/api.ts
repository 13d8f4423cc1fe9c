// The officer contract over HTTP (src/shared/officer/console.ts): JSON in
// and out, the session cookie sent by the browser, the CSRF token added to
// every change. Every answer is a value: the body, or the upstream's error.
import type { ConsoleError } from '../shared/officer/console';

export type Answer<T> = { ok: true; value: T } | { ok: false; status: number; error: ConsoleError['error'] };

let csrfToken = '';
export const setCsrfToken = (token: string) => void (csrfToken = token);

export async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method === 'POST') headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`/console/api${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    return { ok: false, status: 0, error: { code: 'BAD_REQUEST', message: 'offline' } };
  }
  const json = (await response.json().catch(() => null)) as unknown;
  if (response.ok) return { ok: true, value: json as T };
  const error = (json as ConsoleError | null)?.error ?? { code: 'BAD_REQUEST' as const, message: `HTTP ${response.status}` };
  return { ok: false, status: response.status, error };
}
