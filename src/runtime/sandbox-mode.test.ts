import { ConfigError, loadConfig } from '../infra/config';
import { sandboxModeFrom } from './sandbox-mode';

const meta = 'https://graph.facebook.com';

describe('sandboxModeFrom', () => {
  it('refuses to guess when neither META_GRAPH_URL nor sandbox mode is given', () => {
    const mode = sandboxModeFrom(loadConfig({}), undefined);
    expect(mode).toEqual({ error: expect.stringMatching(/^is not set: .*--sandbox .*BRIDGE_SANDBOX=1/) });
    // Reported the way every bad setting is: one line naming the variable.
    const line = new ConfigError('META_GRAPH_URL', (mode as { error: string }).error).message;
    expect(line).toMatch(/^Invalid configuration: META_GRAPH_URL is not set: /);
    expect(line).not.toContain('\n');
  });

  it.each([
    ['the --sandbox flag', {}, true],
    ['BRIDGE_SANDBOX=1', { BRIDGE_SANDBOX: '1' }, undefined],
    ['BRIDGE_SANDBOX=true', { BRIDGE_SANDBOX: 'TRUE' }, false],
  ])('runs the sandbox when asked by %s', (_, env, flag) => {
    expect(sandboxModeFrom(loadConfig(env), flag)).toEqual({ sandbox: true });
  });

  it('runs for real with META_GRAPH_URL and no sandbox request', () => {
    expect(sandboxModeFrom(loadConfig({ META_GRAPH_URL: meta }), false)).toEqual({ sandbox: false });
    expect(sandboxModeFrom(loadConfig({ META_GRAPH_URL: meta, BRIDGE_SANDBOX: '0' }), undefined)).toEqual({
      sandbox: false,
    });
  });

  it.each([
    ['the --sandbox flag', {}, true],
    ['BRIDGE_SANDBOX', { BRIDGE_SANDBOX: 'true' }, undefined],
  ])('refuses META_GRAPH_URL together with %s as ambiguous', (_, env, flag) => {
    const mode = sandboxModeFrom(loadConfig({ META_GRAPH_URL: meta, ...env }), flag);
    expect(mode).toEqual({ error: expect.stringMatching(/^is set and sandbox mode is asked for too/) });
  });

  it('does not take an empty META_GRAPH_URL (docker compose passes one) for a real endpoint', () => {
    expect(sandboxModeFrom(loadConfig({ META_GRAPH_URL: '' }), undefined)).toHaveProperty('error');
    expect(sandboxModeFrom(loadConfig({ META_GRAPH_URL: '', BRIDGE_SANDBOX: '1' }), undefined)).toEqual({
      sandbox: true,
    });
  });
});
