import type { Config } from '../infra/config';

export type SandboxMode = { sandbox: true } | { sandbox: false } | { error: string };

/**
 * Whether `serve` runs the sandbox (simulated Meta and Genesys, a demo tenant) or the real thing. Only an explicit
 * request (--sandbox or BRIDGE_SANDBOX) starts the sandbox: a forgotten META_GRAPH_URL must stop the bridge, not
 * quietly acknowledge real tenants' messages into a simulator. Both at once is refused as ambiguous.
 *
 * An error is the reason after the variable's name, as ConfigError words it: `META_GRAPH_URL <error>`.
 */
export const sandboxModeFrom = (
  config: Pick<Config, 'META_GRAPH_URL' | 'sandbox'>,
  flag: boolean | undefined,
): SandboxMode => {
  const asked = flag === true || config.sandbox;
  const real = config.META_GRAPH_URL !== undefined;
  if (asked && real) {
    return {
      error:
        'is set and sandbox mode is asked for too (--sandbox or BRIDGE_SANDBOX): choose one, ' +
        'a sandbox never talks to a real Meta',
    };
  }
  if (asked) return { sandbox: true };
  if (!real) {
    return {
      error:
        "is not set: give Meta's Graph API URL (https://graph.facebook.com), or start with --sandbox " +
        '(or BRIDGE_SANDBOX=1) to simulate Meta and Genesys on loopback',
    };
  }
  return { sandbox: false };
};
