import type { AlayaError } from '../errors/alaya-error';

/** What `promise` rejects with, as the typed error a test expects; throws when it fulfils. */
export async function rejection(promise: PromiseLike<unknown>): Promise<AlayaError> {
  try {
    await promise;
  } catch (error) {
    return error as AlayaError;
  }
  throw new Error('expected a rejection');
}
