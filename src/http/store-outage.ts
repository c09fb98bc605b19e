import type { FastifyBaseLogger } from 'fastify';
import type { OutageLog } from '../infra/outage-log';

/**
 * What the webhook routes tell about PostgreSQL failures. Every request during an outage fails the same way, so
 * one OutageLog per listener says so once, at intervals and at the end, instead of one error line per webhook
 * (each request is still answered 503 and logged by Fastify as any response is).
 */
export type StoreOutage = Pick<OutageLog, 'failure' | 'recovered'>;

/** Without an OutageLog (an app built for one test or bench), each failure is an error line of its request. */
export const requestLogOutage = (log: FastifyBaseLogger): StoreOutage => ({
  failure: (error, fields) => log.error({ err: error, ...fields }, 'event store unavailable'),
  recovered: () => undefined,
});
