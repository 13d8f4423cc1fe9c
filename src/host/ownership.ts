// Who may see and steer the citizen session over the headless host. Several
// sockets may hold the launch token (a reload, a second window, a local
// process that got hold of it), but a citizen's NIK, email and phone belong
// to one page only. The first connection that makes a session call owns the
// session; other connections are refused (BUSY, reason NOT_OWNER) and get
// no events.
//
// When the owner's socket closes with a session open (a reload, a closed
// window, or the heartbeat ending a socket on a busy CPU), only the same page
// instance (the renderer's random in-memory id: a reload is a new instance)
// may take the session back during the grace. Nobody else can cut the grace
// short: connections that were open before the owner dropped (another window
// that keeps asking) are refused, and a session call from a connection opened
// during the grace (a reload) waits until the grace is decided. When the grace
// ends the session is wiped first and only then ownership is free, so a new
// page never sees the previous citizen; if the owner comes back, the waiting
// calls are refused.
import { methods, type Method } from '../shared/contract/contract';
import type { BoothHandlers } from '../shared/contract/dispatch';
import { fail, type Failure } from '../shared/contract/result';
import { NOT_OWNER } from '../shared/contract/websocket';

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
  /**
   * May this connection use the citizen session? Claims it when nobody owns
   * it. During an owner's grace the answer waits for the grace's end when
   * the connection opened after the owner dropped (at most graceMs).
   */
  mayUse(connection: C): boolean | Promise<boolean>;
  /** A connection closed. */
  detach(connection: C): void;
  /** The owner's open connection, if any: the only one that gets session events. */
  current(): C | null;
  dispose(): void;
}

export function notOwner(): Failure<'BUSY', typeof NOT_OWNER> {
  return fail('BUSY', 'This booth is in use in another window; close that one to use it here.', { reason: NOT_OWNER });
}

interface Grace {
  timer: ReturnType<typeof setTimeout>;
  /** Connections attached from this sequence number on opened after the owner dropped. */
  firstAfterDrop: number;
  /** Settles when the grace ends either way (the owner came back, or the session was wiped). */
  decided: Promise<void>;
  decide(): void;
}

export function createOwnership<C extends OwnedConnection>(options: OwnershipOptions): Ownership<C> {
  let owner: { instanceId: string; connection: C | null } | null = null;
  let grace: Grace | undefined;
  let disposed = false;
  /** Open connections, each with the order it attached in. */
  const opened = new Map<C, number>();
  let nextSequence = 0;

  function endGrace() {
    if (!grace) return;
    clearTimeout(grace.timer);
    grace.decide();
    grace = undefined;
  }

  function release(wipe: boolean) {
    // Wiped while nobody owns it, so the session's last events reach no one.
    if (wipe) options.wipeSession();
    owner = null;
    endGrace();
  }

  function mayUse(connection: C): boolean | Promise<boolean> {
    if (disposed || !opened.has(connection)) return false;
    if (owner?.connection === connection) return true;
    if (owner?.connection) return false;
    if (grace) {
      if (opened.get(connection)! < grace.firstAfterDrop) return false;
      // Asked again once decided: the first waiter claims, the others find an owner.
      return grace.decided.then(() => mayUse(connection));
    }
    owner = { instanceId: connection.instanceId, connection };
    return true;
  }

  return {
    attach(connection) {
      opened.set(connection, nextSequence++);
      if (owner?.instanceId !== connection.instanceId) return null;
      const replaced = owner.connection;
      owner.connection = connection;
      endGrace();
      return replaced;
    },
    mayUse,
    detach(connection) {
      opened.delete(connection);
      if (!owner || owner.connection !== connection) return;
      owner.connection = null;
      if (!options.hasSession()) {
        release(false);
        return;
      }
      let decide = () => {};
      const decided = new Promise<void>((resolve) => (decide = resolve));
      const timer = setTimeout(() => release(true), options.graceMs);
      timer.unref();
      grace = { timer, firstAfterDrop: nextSequence, decided, decide };
    },
    current: () => owner?.connection ?? null,
    dispose: () => {
      disposed = true;
      endGrace();
    },
  };
}

/**
 * Calls that tell nothing about a citizen and change nothing of a session: any connection may make them. Calling an officer
 * is one, so the welcome screen can ask for help before it owns a session.
 */
const openToAll: ReadonlySet<Method> = new Set<Method>(['booth.info', 'help.callOfficer']);

/** The booth's handlers as one connection may use them: session calls only while it owns the session. */
export function guardSessionCalls(handlers: BoothHandlers, mayUse: () => boolean | Promise<boolean>): BoothHandlers {
  const guarded: Partial<Record<Method, unknown>> = {};
  for (const method of methods) {
    const handler = handlers[method] as (params: unknown) => unknown;
    guarded[method] = openToAll.has(method)
      ? handler
      : (params: unknown) => {
          const allowed = mayUse();
          if (typeof allowed === 'boolean') return allowed ? handler(params) : notOwner();
          return allowed.then((yes) => (yes ? handler(params) : notOwner()));
        };
  }
  return guarded as BoothHandlers;
}
