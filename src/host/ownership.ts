// Who may see and steer the citizen session over the headless host. Several
// sockets may hold the launch token (a reload, a second window, a local
// process that got hold of it), but a citizen's NIK, email and phone belong
// to one page only. The first connection that makes a session call owns the
// session; other connections are refused (BUSY, reason NOT_OWNER) and get
// no events.
//
// When the owner's socket closes, a reconnect from the same page instance
// (the renderer's random in-memory id: a reload is a new instance) within
// the grace period takes the session back. Any other connection that asks
// meanwhile, or the end of the grace, wipes the session first and only then
// frees ownership: a new page never sees the previous citizen.
import { methods, type Method } from '../shared/contract/contract';
import type { BoothHandlers } from '../shared/contract/dispatch';
import { fail, type BoothError } from '../shared/contract/result';

export interface OwnedConnection {
  /** The page instance the connection says it is; a random one when it names none. */
  readonly instanceId: string;
}

export interface OwnershipOptions {
  /** How long a closed owner may take to reconnect before its session is wiped. */
  graceMs: number;
  /** Whether a citizen session is open now (nothing to keep for a reconnect otherwise). */
  hasSession(): boolean;
  /** Wipes the citizen session because its page went away. */
  wipeSession(): void;
}

export interface Ownership<C extends OwnedConnection> {
  /** A new connection opened: the owner's page instance coming back takes its place. Returns the socket it replaced. */
  attach(connection: C): C | null;
  /** May this connection use the citizen session? Claims it when nobody owns it (wiping an abandoned session first). */
  mayUse(connection: C): boolean;
  /** A connection closed. */
  detach(connection: C): void;
  /** The owner's open connection, if any: the only one that gets session events. */
  current(): C | null;
  dispose(): void;
}

export const NOT_OWNER = 'NOT_OWNER';

export function notOwner(): { ok: false; error: BoothError } {
  return fail('BUSY', 'This booth is in use in another window; close that one to use it here.', { reason: NOT_OWNER });
}

export function createOwnership<C extends OwnedConnection>(options: OwnershipOptions): Ownership<C> {
  let owner: { instanceId: string; connection: C | null } | null = null;
  let grace: ReturnType<typeof setTimeout> | undefined;

  function release(wipe: boolean) {
    clearTimeout(grace);
    grace = undefined;
    // Wiped while nobody owns it, so the session's last events reach no one.
    if (wipe) options.wipeSession();
    owner = null;
  }

  return {
    attach(connection) {
      if (owner?.instanceId !== connection.instanceId) return null;
      clearTimeout(grace);
      grace = undefined;
      const replaced = owner.connection;
      owner.connection = connection;
      return replaced;
    },
    mayUse(connection) {
      if (owner?.connection === connection) return true;
      if (owner?.connection) return false;
      if (owner) release(true);
      owner = { instanceId: connection.instanceId, connection };
      return true;
    },
    detach(connection) {
      if (!owner || owner.connection !== connection) return;
      owner.connection = null;
      if (!options.hasSession()) {
        release(false);
        return;
      }
      grace = setTimeout(() => release(true), options.graceMs);
      grace.unref();
    },
    current: () => owner?.connection ?? null,
    dispose: () => clearTimeout(grace),
  };
}

/** Calls that tell nothing about a citizen and change nothing: any connection may make them. */
const openToAll: ReadonlySet<Method> = new Set<Method>(['booth.info']);

/** The booth's handlers as one connection may use them: session calls only while it owns the session. */
export function guardSessionCalls(handlers: BoothHandlers, mayUse: () => boolean): BoothHandlers {
  const guarded: Partial<Record<Method, unknown>> = {};
  for (const method of methods) {
    const handler = handlers[method] as (params: unknown) => unknown;
    guarded[method] = openToAll.has(method) ? handler : (params: unknown) => (mayUse() ? handler(params) : notOwner());
  }
  return guarded as BoothHandlers;
}
