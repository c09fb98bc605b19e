/**
 * Broker-side faults for tests, through `rabbitmqctl` (root only), touching only what the test owns on a server
 * other test files share: connections are found by their `connection_name` client property, policies match one
 * queue by its exact name. Cutting a connection is what an operator or a broker failover does: the broker closes
 * it with CONNECTION_FORCED.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

const rabbitmqctl = async (...args: string[]): Promise<string> =>
  (await run('rabbitmqctl', args, { timeout: 30_000 })).stdout;

/**
 * Broker-side process ids (`<rabbit@host.123.4567.0>`, what `close_connection` takes) of the connections with
 * this connection_name. Read from the plain listing: its JSON form prints pids in a syntax close_connection
 * refuses. Each line is `pid<TAB>[{"connection_name","…"},…]`.
 */
export const findConnections = async (connectionName: string): Promise<string[]> => {
  const marker = `{"connection_name",${JSON.stringify(connectionName)}}`;
  const listing = await rabbitmqctl(
    'list_connections',
    'pid',
    'client_properties',
    '--silent',
    '--no-table-headers',
  );
  return listing
    .split('\n')
    .filter((line) => line.includes(marker))
    .map((line) => line.split('\t')[0]!.trim());
};

/** Force-closes every connection named so; returns how many were cut. */
export const cutConnections = async (connectionName: string): Promise<number> => {
  const pids = await findConnections(connectionName);
  for (const pid of pids) await rabbitmqctl('close_connection', pid, 'test: simulated connection loss');
  return pids.length;
};

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Makes the broker refuse (nack) every publish to this one queue: a length limit of 0 with `reject-publish`
 * overflow. A policy, not queue arguments, so the bridge's own `assertQueue` still matches the queue.
 */
export const rejectPublishesTo = async (queue: string): Promise<() => Promise<void>> => {
  const policy = `reject-${queue}`;
  await rabbitmqctl(
    'set_policy',
    policy,
    `^${escapeRegExp(queue)}$`,
    JSON.stringify({ 'max-length': 0, overflow: 'reject-publish' }),
    '--apply-to',
    'queues',
    '--priority',
    '100',
  );
  return async () => {
    await rabbitmqctl('clear_policy', policy);
  };
};
