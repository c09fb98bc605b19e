import { requestToken } from '../../src/clients/genesys/request-token';
import {
  GenesysSimulator,
  type GenesysSimulatorOptions,
} from '../../src/simulators/genesys/genesys-simulator';

export interface GenesysWithClient {
  sim: GenesysSimulator;
  clientId: string;
  clientSecret: string;
  /** The client's bearer token, issued by the simulator before the first test. */
  accessToken: () => string;
}

/**
 * A Genesys simulator for one test file, with one OAuth client whose token the tests use: started and its token
 * fetched before the file's tests (hooks the file adds after this call run after it), faults cleared after each
 * test, stopped at the end.
 */
export const genesysWithClient = (
  clientId: string,
  options: Omit<GenesysSimulatorOptions, 'clients'> = {},
): GenesysWithClient => {
  const clientSecret = `${clientId}-secret`;
  const sim = new GenesysSimulator({ ...options, clients: { [clientId]: clientSecret } });
  let accessToken: string | undefined;
  beforeAll(async () => {
    await sim.start();
    const token = await requestToken({ loginUrl: sim.url, clientId, clientSecret, timeoutMs: 2_000 });
    if (!token.ok)
      throw new Error(`the Genesys simulator issued no token to ${clientId}: ${token.error.title}`);
    accessToken = token.accessToken;
  });
  afterEach(() => sim.clearFaults());
  afterAll(() => sim.stop());
  return {
    sim,
    clientId,
    clientSecret,
    accessToken: () => {
      if (accessToken === undefined) throw new Error('no token before the test file’s beforeAll hooks ran');
      return accessToken;
    },
  };
};
