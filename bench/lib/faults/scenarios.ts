import { kill9, kill9NoStatuses, relayFailover } from './kill-scenarios';
import type { Scenario } from './scenario';

/** Every scenario by its --only name, in the order a full run takes them. */
export const SCENARIOS: Record<string, Scenario> = {
  kill9,
  'kill9-nostatus': kill9NoStatuses,
  relay: relayFailover,
};
