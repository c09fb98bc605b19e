import { describeNetworkFailure } from '../http/network-failure';
import type { GenesysError } from './genesys-error';

/**
 * Every Genesys request the bridge makes is safe to repeat (a token request, a download, a receipt that repeats
 * the same fact for the same message id), so any network failure, even after sending, is simply `retryable`.
 */
export const genesysNetworkError = (what: string, error: unknown, timeoutMs: number): GenesysError => ({
  kind: 'retryable',
  title: `${what}: Genesys not reached or no answer (${describeNetworkFailure(error, timeoutMs)})`,
});
