import { ConfigError, describeConfig, loadConfig } from './config';

const key = Buffer.alloc(32, 7).toString('base64');

describe('loadConfig', () => {
  it('defaults every service to loopback and leaves sandbox mode off', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.INTERNAL_PORT).toBe(3001);
    expect(config.INTERNAL_HOST).toBe('127.0.0.1');
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(config.AMQP_URL).toBe('amqp://guest:guest@127.0.0.1:5672');
    expect(config.S3_PUBLIC_ENDPOINT).toBe('http://127.0.0.1:9000');
    expect(config.sandbox).toBe(false);
  });

  it('turns sandbox mode on from BRIDGE_SANDBOX only, never from a missing META_GRAPH_URL', () => {
    expect(loadConfig({ BRIDGE_SANDBOX: '1' }).sandbox).toBe(true);
    expect(loadConfig({ BRIDGE_SANDBOX: 'true' }).sandbox).toBe(true);
    expect(loadConfig({ BRIDGE_SANDBOX: 'false' }).sandbox).toBe(false);
    expect(loadConfig({ BRIDGE_SANDBOX: '' }).sandbox).toBe(false);
    expect(() => loadConfig({ BRIDGE_SANDBOX: 'yes' })).toThrow(
      'Invalid configuration: BRIDGE_SANDBOX must be 1, true, 0 or false',
    );
  });

  it("keeps the local S3Proxy's default secret key for loopback endpoints only", () => {
    expect(loadConfig({ S3_ENDPOINT: 'http://localhost:9000' }).S3_SECRET_KEY).toBe(
      'bridge-local-secret-key',
    );
    expect(() => loadConfig({ S3_ENDPOINT: 'https://s3.eu-west-1.amazonaws.com' })).toThrow(
      'Invalid configuration: S3_SECRET_KEY must be set when S3_ENDPOINT is not a loopback address',
    );
    expect(loadConfig({ S3_ENDPOINT: 'http://minio:9000', S3_SECRET_KEY: 'a-real-one' }).S3_SECRET_KEY).toBe(
      'a-real-one',
    );
  });

  it.each([
    ['PORT', 'not-a-port'],
    ['DATABASE_URL', 'mysql://root@localhost/db'],
    ['KAFKA_BROKERS', 'localhost'],
    ['CREDENTIALS_KEY', 'c2hvcnQ='],
    ['META_GRAPH_VERSION', '21'],
    ['INTERNAL_PORT', '70000'],
    ['ADMIN_TOKEN', 'x'.repeat(31)],
    ['METRICS_TOKEN', 'short-token'],
  ])('rejects a bad %s naming the variable but not the value', (variable, value) => {
    const attempt = () => loadConfig({ [variable]: value });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(new RegExp(`^Invalid configuration: ${variable} `));
    try {
      attempt();
    } catch (error) {
      expect((error as Error).message).not.toContain(value);
    }
  });

  it('masks secrets and URL passwords when described for a log', () => {
    const config = loadConfig({
      CREDENTIALS_KEY: key,
      ADMIN_TOKEN: 'admin-secret-0123456789abcdef-0123456789',
      METRICS_TOKEN: 'metrics-secret-0123456789',
      META_APP_SECRET: 'app-secret',
      AMQP_URL: 'amqp://user:hunter2@127.0.0.1:5672',
    });
    const text = JSON.stringify(describeConfig(config));
    for (const secret of [key, 'admin-secret', 'metrics-secret', 'app-secret', 'hunter2'])
      expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });

  it('accepts an admin token of 32 characters', () => {
    expect(loadConfig({ ADMIN_TOKEN: 'x'.repeat(32) }).ADMIN_TOKEN).toHaveLength(32);
  });
});

describe('secured connection settings', () => {
  it('leaves Kafka in plaintext without SASL by default', () => {
    const config = loadConfig({});
    expect(config.KAFKA_SSL).toBe(false);
    expect(config.KAFKA_SASL_MECHANISM).toBeUndefined();
  });

  it.each([
    ['PLAIN', 'plain'],
    ['SCRAM-SHA-256', 'scram-sha-256'],
    ['scram-sha-512', 'scram-sha-512'],
  ])('accepts the SASL mechanism %s with a username and password', (given, parsed) => {
    const config = loadConfig({
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: '/etc/bridge/kafka-ca.pem',
      KAFKA_SASL_MECHANISM: given,
      KAFKA_SASL_USERNAME: 'bridge',
      KAFKA_SASL_PASSWORD: 'kafka-hunter2',
    });
    expect(config).toMatchObject({
      KAFKA_SSL: true,
      KAFKA_SSL_CA_FILE: '/etc/bridge/kafka-ca.pem',
      KAFKA_SASL_MECHANISM: parsed,
      KAFKA_SASL_USERNAME: 'bridge',
    });
    expect(JSON.stringify(describeConfig(config))).not.toContain('kafka-hunter2');
  });

  it.each([
    [{ KAFKA_SSL: 'yes' }, 'KAFKA_SSL'],
    [
      { KAFKA_SASL_MECHANISM: 'GSSAPI', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' },
      'KAFKA_SASL_MECHANISM',
    ],
    [{ KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_PASSWORD: 'kafka-hunter2' }, 'KAFKA_SASL_USERNAME'],
    [{ KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'u' }, 'KAFKA_SASL_PASSWORD'],
    [{ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'kafka-hunter2' }, 'KAFKA_SASL_MECHANISM'],
    [{ KAFKA_SSL_CA_FILE: '/etc/bridge/kafka-ca.pem' }, 'KAFKA_SSL_CA_FILE'],
  ])('refuses %j naming %s and no secret', (env, variable) => {
    const attempt = () => loadConfig(env);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(new RegExp(`^Invalid configuration: ${variable} `));
    expect(attempt).not.toThrow(/hunter2/);
  });

  it('takes TLS for Redis and RabbitMQ from their URLs', () => {
    const config = loadConfig({
      REDIS_URL: 'rediss://:redis-hunter2@cache.internal:6380',
      AMQP_URL: 'amqps://bridge:amqp-hunter2@mq.internal:5671',
      DATABASE_URL: 'postgres://bridge:pg-hunter2@db.internal/bridge?sslmode=verify-full',
    });
    expect(config.REDIS_URL).toMatch(/^rediss:/);
    const text = JSON.stringify(describeConfig(config));
    for (const secret of ['redis-hunter2', 'amqp-hunter2', 'pg-hunter2']) expect(text).not.toContain(secret);
    expect(text).toContain('sslmode=verify-full');
  });
});

describe('inbound media settings', () => {
  it('defaults to the media-inbound bucket, 7-day URLs, the Genesys 25 MB limit and 3 attempts', () => {
    const config = loadConfig({});
    expect(config.S3_INBOUND_MEDIA_BUCKET).toBe('media-inbound');
    expect(config.INBOUND_MEDIA_URL_TTL_SECONDS).toBe(604800);
    expect(config.INBOUND_MEDIA_MAX_BYTES).toBe(25_000_000);
    expect(config.INBOUND_MEDIA_DOWNLOAD_TIMEOUT_MS).toBe(60000);
    expect(config.INBOUND_MEDIA_DOWNLOAD_ATTEMPTS).toBe(3);
  });

  it.each([
    ['INBOUND_MEDIA_URL_TTL_SECONDS', '604801'],
    ['INBOUND_MEDIA_URL_TTL_SECONDS', '59'],
    ['INBOUND_MEDIA_MAX_BYTES', '25000001'],
    ['INBOUND_MEDIA_DOWNLOAD_ATTEMPTS', '0'],
    ['INBOUND_MEDIA_DOWNLOAD_ATTEMPTS', '6'],
    ['INBOUND_MEDIA_DOWNLOAD_TIMEOUT_MS', '999'],
    ['S3_INBOUND_MEDIA_BUCKET', 'Media_Inbound'],
    ['S3_INBOUND_MEDIA_BUCKET', 'ab'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(`Invalid configuration: ${name}`);
  });

  it('takes shorter URLs and a smaller limit', () => {
    const config = loadConfig({ INBOUND_MEDIA_URL_TTL_SECONDS: '3600', INBOUND_MEDIA_MAX_BYTES: '1048576' });
    expect(config.INBOUND_MEDIA_URL_TTL_SECONDS).toBe(3600);
    expect(config.INBOUND_MEDIA_MAX_BYTES).toBe(1048576);
  });
});
