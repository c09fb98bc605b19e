import type { Pool } from 'pg';
import { streamEvents } from '../support/streams';
import { waitFor } from '../support/wait';
import { statusWebhookBody } from './meta-bodies';
import { startStatusHarness, type StatusHarness } from './status-harness';

// Consumers joining their groups take a few seconds on a fresh namespace.
jest.setTimeout(90_000);

const TENANT = 'tenant-malformed';

const eventTypes = async (pool: Pool, streamId: string) =>
  (await streamEvents(pool, streamId)).map((event) => event.type);

/**
 * One malformed status in a Meta batch used to make the whole batch 422: Meta retried it for seven days and then
 * dropped it, and the valid statuses beside the bad one never reached their messages.
 */
describe('a Meta batch holding a malformed status', () => {
  let harness: StatusHarness;

  beforeAll(async () => {
    harness = await startStatusHarness('malformed-status');
    await harness.addTenant(TENANT);
  });
  afterAll(() => harness.stop());

  it('is accepted, and its valid statuses reach their messages', async () => {
    const pool = harness.bridge.connections.pool;
    const a = await harness.sendMessage({
      tenantId: TENANT,
      genesysMessageId: 'malformed-a',
      wamids: ['wamid.ma'],
    });
    const b = await harness.sendMessage({
      tenantId: TENANT,
      genesysMessageId: 'malformed-b',
      wamids: ['wamid.mb'],
    });
    const batch = JSON.parse(
      statusWebhookBody([
        { wamid: 'wamid.ma', status: 'delivered', timestamp: 1_700_000_010 },
        { wamid: 'wamid.mb', status: 'read', timestamp: 1_700_000_020 },
      ]),
    ) as { entry: { changes: { value: { statuses: unknown[] } }[] }[] };
    // Between the two valid ones: a status without its wamid, and one whose timestamp is no Unix time.
    batch.entry[0]!.changes[0]!.value.statuses.splice(1, 0, { status: 'read', timestamp: '1700000015' });
    batch.entry[0]!.changes[0]!.value.statuses.push({ id: 'wamid.ma', status: 'read', timestamp: 'soon' });

    const response = await harness.postMeta(JSON.stringify(batch));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ accepted: true, statuses: 2, invalidStatuses: 2 });

    await waitFor('Delivered on message a and Read on message b', async () => {
      const [onA, onB] = await Promise.all([eventTypes(pool, a.streamId), eventTypes(pool, b.streamId)]);
      return onA.includes('Delivered') && onB.includes('Read') ? true : undefined;
    });
    // The malformed `read` for message a was not applied.
    expect(await eventTypes(pool, a.streamId)).not.toContain('Read');

    const scrape = await harness.bridge.internal.inject({ method: 'GET', url: '/metrics' });
    expect(scrape.body).toMatch(/^bridge_meta_invalid_statuses_total 2$/m);
  });
});
