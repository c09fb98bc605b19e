import { ConfigError, loadConfig } from './config';
import { postgresLimitsOf, servicePoolOptions } from './postgres';

describe('PostgreSQL pool settings', () => {
  it('default to 20 connections for the workers and 4 for the webhook routes, 2 appends in flight', () => {
    const config = loadConfig({});
    expect([config.PG_POOL_MAX, config.PG_WEBHOOK_POOL_MAX, config.WEBHOOK_APPENDS_IN_FLIGHT]).toEqual([
      20, 4, 2,
    ]);
    expect(servicePoolOptions(postgresLimitsOf(config), config.PG_WEBHOOK_POOL_MAX)).toMatchObject({
      max: 4,
    });
  });

  it('refuse appends in flight that would leave the webhook routes no connection for tenant lookups', () => {
    expect(() => loadConfig({ PG_WEBHOOK_POOL_MAX: '3', WEBHOOK_APPENDS_IN_FLIGHT: '3' })).toThrow(
      'Invalid configuration: WEBHOOK_APPENDS_IN_FLIGHT must be less than PG_WEBHOOK_POOL_MAX',
    );
    expect(() => loadConfig({ PG_POOL_MAX: '0' })).toThrow(ConfigError);
    expect(loadConfig({ PG_WEBHOOK_POOL_MAX: '8', WEBHOOK_APPENDS_IN_FLIGHT: '7' }).PG_WEBHOOK_POOL_MAX).toBe(
      8,
    );
  });
});
