import { CardError } from '../../src/core/card/errors';

/** 'ok' when the read succeeds, the CardError code when it fails as expected; anything else is rethrown. */
export async function cardErrorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof CardError) return error.code;
    throw error;
  }
}
