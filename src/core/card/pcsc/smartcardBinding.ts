// The part of `smartcard` (an N-API binding to pcscd and WinSCard) that the
// PC/SC driver uses, typed here rather than imported from the package:
// `smartcard` is an optional dependency that npm drops when its build fails
// (no libpcsclite-dev), and neither the typecheck nor a booth without PC/SC
// readers may depend on whether it was built. The shapes follow the
// package's own declarations (smartcard 3.x, dist/lib/types.d.ts).
import { createRequire } from 'node:module';

export interface SmartcardCard {
  transmit(command: Buffer | number[], options?: { maxRecvLength?: number }): Promise<Buffer>;
  control(code: number, data?: Buffer | number[]): Promise<Buffer>;
  disconnect(disposition?: number): void;
}

export interface SmartcardReader {
  readonly name: string;
  /** SCARD_STATE_* bits as of the last listReaders(). */
  readonly state: number;
  connect(shareMode?: number, protocol?: number): Promise<SmartcardCard>;
}

export interface SmartcardContext {
  /** False when pcscd gave no context. */
  readonly isValid: boolean;
  listReaders(): SmartcardReader[];
  close(): void;
}

/** A PC/SC failure; `code` is the PC/SC status (SCARD_E_ or SCARD_W_ value). */
export interface SmartcardErrorClass {
  new (message: string, code: number): Error & { readonly code: number };
}

/** A PCSCError subclass for one status code (SCARD_W_REMOVED_CARD, ...): it sets the code itself. */
export interface SmartcardErrorSubclass {
  new (message?: string): Error & { readonly code: number };
}

export interface SmartcardModule {
  Context: new () => SmartcardContext;
  PCSCError: SmartcardErrorClass;
  CardRemovedError: SmartcardErrorSubclass;
  TimeoutError: SmartcardErrorSubclass;
  NoReadersError: SmartcardErrorSubclass;
  ServiceNotRunningError: SmartcardErrorSubclass;
  SCARD_SHARE_SHARED: number;
  SCARD_PROTOCOL_T0: number;
  SCARD_PROTOCOL_T1: number;
  SCARD_LEAVE_CARD: number;
  SCARD_STATE_PRESENT: number;
  SCARD_CTL_CODE(code: number): number;
}

/** Loads the binding; throws the package's own error when it is not installed or not built. */
export function loadSmartcard(): SmartcardModule {
  return createRequire(import.meta.url)('smartcard') as SmartcardModule;
}
