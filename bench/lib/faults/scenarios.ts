import { kill9, kill9NoStatuses, relayFailover } from './kill-scenarios';
import { kafka, metaStorm, postgres, postgresReset, rabbitmq, receipts, redis, s3 } from './outage-scenarios';
import { poison } from './poison-scenarios';
import type { Scenario } from './scenario';

/** Every scenario by its --only name, in the order a full run takes them. */
export const SCENARIOS: Record<string, Scenario> = {
  kill9,
  'kill9-nostatus': kill9NoStatuses,
  relay: relayFailover,
  kafka,
  postgres,
  'postgres-reset': postgresReset,
  redis,
  rabbitmq,
  s3,
  meta: metaStorm,
  receipts,
  poison,
};
