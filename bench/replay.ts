/**
 * Audit replay benchmark: one conversation of N events (a link, then messages of WebhookReceived, MappingResolved,
 * SendRequested, MessageSent, Delivered, Read) in a fresh database, and `auditConversation` timed over it several
 * times: read in commit order, decode, re-verify every stored webhook signature, fold each message.
 *
 *   npm run bench -- replay [--events 10000] [--runs 15]
 */
import { randomUUID } from 'node:crypto';
import { auditConversation } from '../src/audit/conversation-audit';
import { decodeEvent } from '../src/events/decode';
import { findEventDefinition } from '../src/events/registry';
import { eventExamples } from '../src/events/schemas/examples';
import { conversationStreamId, outboundStreamId } from '../src/events/schemas/stream-ids';
import { PostgresEventStore } from '../src/events/store/postgres-event-store';
import type { NewEvent } from '../src/events/store/types';
import { genesysSignature, isValidGenesysSignature } from '../src/http/signatures';
import { intOption, progress } from './lib/args';
import { defineBench } from './lib/bench';
import { createFreshDatabase } from './lib/fresh-database';
import { percentile } from './lib/latency';

const TENANT = 'bench';
const SECRET = 'bench-webhook-secret';
const MESSAGE_TYPES = [
  'WebhookReceived',
  'MappingResolved',
  'SendRequested',
  'MessageSent',
  'Delivered',
  'Read',
];

const event = (type: string, conversationId: string, data: Record<string, unknown>, at: Date): NewEvent => ({
  eventId: randomUUID(),
  type,
  version: findEventDefinition(type)?.version ?? 1,
  tenantId: TENANT,
  conversationId,
  occurredAt: at.toISOString(),
  data,
});

/** One outbound message's events, built from the schema examples with its own ids and a valid signature. */
const messageEvents = (conversationId: string, index: number, at: Date): NewEvent[] => {
  const genesysMessageId = `gmsg-${index}`;
  const wamid = `wamid.bench${index}`;
  const rawBody = JSON.stringify({ id: genesysMessageId, conversationId, text: `message ${index}` });
  const data: Record<string, Record<string, unknown>> = {
    WebhookReceived: {
      ...eventExamples.WebhookReceived,
      genesysMessageId,
      conversationId,
      rawBody,
      signature: genesysSignature(SECRET, rawBody),
    },
    MappingResolved: eventExamples.MappingResolved,
    SendRequested: eventExamples.SendRequested,
    MessageSent: { ...eventExamples.MessageSent, wamid },
    Delivered: { ...eventExamples.Delivered, wamid },
    Read: { ...eventExamples.Read, wamid },
  };
  return MESSAGE_TYPES.map((type) => event(type, conversationId, data[type]!, at));
};

export default defineBench({
  description: 'auditConversation over one long conversation (fresh database)',
  run: async (args) => {
    const events = intOption(args, 'events', 10_000);
    const runs = intOption(args, 'runs', 15);
    const db = await createFreshDatabase('replay', 4);
    try {
      const store = new PostgresEventStore(db.pool);
      const conversationId = randomUUID();
      const start = Date.parse('2026-01-01T00:00:00Z');
      await store.appendToStream(conversationStreamId(TENANT, conversationId), 0, [
        event(
          'ConversationLinked',
          conversationId,
          { ...eventExamples.ConversationLinked, conversationId },
          new Date(start),
        ),
      ]);
      const messages = Math.ceil((events - 1) / MESSAGE_TYPES.length);
      progress(`appending ${messages} messages (${messages * MESSAGE_TYPES.length + 1} events)`);
      for (let index = 0; index < messages; index++) {
        await store.appendToStream(
          outboundStreamId(TENANT, `gmsg-${index}`),
          0,
          messageEvents(conversationId, index, new Date(start + index * 1000)),
        );
      }
      await db.pool.query('VACUUM ANALYZE events');
      const lookup = async () => SECRET;
      const audit = () => auditConversation(store, lookup, TENANT, conversationId);
      const first = await audit(); // warm-up: JIT, prepared statement, caches
      if (first.events.length !== messages * MESSAGE_TYPES.length + 1) {
        throw new Error(`audit saw ${first.events.length} events`);
      }
      if (first.events.some((entry) => entry.signature === 'mismatch'))
        throw new Error('a signature mismatched');
      const times: number[] = [];
      for (let run = 0; run < runs; run++) {
        const started = process.hrtime.bigint();
        await audit();
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      // Where the time goes: the store read alone (as the audit reads), then decoding what it read, then the
      // signatures; the rest of the audit is summaries and folds.
      const readTimes: number[] = [];
      const decodeTimes: number[] = [];
      const signatureTimes: number[] = [];
      for (let run = 0; run < runs; run++) {
        let started = process.hrtime.bigint();
        const stored = await store.readConversation(TENANT, conversationId);
        readTimes.push(Number(process.hrtime.bigint() - started) / 1e6);
        started = process.hrtime.bigint();
        const decoded = stored.map(decodeEvent);
        decodeTimes.push(Number(process.hrtime.bigint() - started) / 1e6);
        started = process.hrtime.bigint();
        for (const item of decoded) {
          if (item.type === 'WebhookReceived') {
            isValidGenesysSignature(SECRET, Buffer.from(item.data.rawBody, 'utf8'), item.data.signature);
          }
        }
        signatureTimes.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      for (const list of [times, readTimes, decodeTimes, signatureTimes]) list.sort((a, b) => a - b);
      const round = (value: number) => Math.round(value * 10) / 10;
      return {
        metrics: [
          {
            name: 'audit p50',
            value: round(percentile(times, 50)),
            unit: 'ms',
            target: { kind: 'max', value: 100 },
          },
          { name: 'audit p99', value: round(percentile(times, 99)), unit: 'ms' },
          { name: 'of which readConversation p50', value: round(percentile(readTimes, 50)), unit: 'ms' },
          { name: 'of which decodeEvent × N p50', value: round(percentile(decodeTimes, 50)), unit: 'ms' },
          { name: 'of which signature checks p50', value: round(percentile(signatureTimes, 50)), unit: 'ms' },
        ],
        notes: [
          `${first.events.length} events in one conversation (${messages} messages × ${MESSAGE_TYPES.join(', ')})`,
          `${runs} runs after one warm-up; every WebhookReceived signature re-verified`,
        ],
      };
    } finally {
      await db.drop();
    }
  },
});
