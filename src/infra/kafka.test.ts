import { logLevel, type LogEntry } from 'kafkajs';
import { loadConfig } from './config';
import { kafkaClientOptions, kafkaLogFilter } from './kafka';
import type { Logger } from './logger';

describe('kafkaClientOptions', () => {
  const caBytes = Buffer.from('-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n');
  const readFile = jest.fn((path: string) => {
    if (path !== '/etc/bridge/kafka-ca.pem') throw new Error(`unexpected ${path}`);
    return caBytes;
  });

  it('adds neither TLS nor SASL by default', () => {
    expect(kafkaClientOptions(loadConfig({}), readFile)).toEqual({});
    expect(readFile).not.toHaveBeenCalled();
  });

  it('verifies brokers against the system CAs when TLS is on without a CA file', () => {
    expect(kafkaClientOptions(loadConfig({ KAFKA_SSL: 'true' }), readFile)).toEqual({
      ssl: { rejectUnauthorized: true },
    });
  });

  it('trusts the given CA file and sends the SASL credentials', () => {
    const options = kafkaClientOptions(
      loadConfig({
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: '/etc/bridge/kafka-ca.pem',
        KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
        KAFKA_SASL_USERNAME: 'bridge',
        KAFKA_SASL_PASSWORD: 'kafka-password',
      }),
      readFile,
    );
    expect(options).toEqual({
      ssl: { ca: [caBytes], rejectUnauthorized: true },
      sasl: { mechanism: 'scram-sha-512', username: 'bridge', password: 'kafka-password' },
    });
  });

  it.each(['PLAIN', 'SCRAM-SHA-256'])(
    'passes the %s mechanism as kafkajs names it, TLS or not',
    (mechanism) => {
      const options = kafkaClientOptions(
        loadConfig({ KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }),
        readFile,
      );
      expect(options).toEqual({ sasl: { mechanism: mechanism.toLowerCase(), username: 'u', password: 'p' } });
    },
  );

  it('reads the CA file from disk by default and fails loudly when it is missing', () => {
    const config = loadConfig({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/nonexistent/kafka-ca.pem' });
    expect(() => kafkaClientOptions(config)).toThrow(/ENOENT/);
  });
});

describe('kafkaLogFilter', () => {
  const entry = (level: logLevel, message: string, extra: Record<string, unknown> = {}): LogEntry => ({
    namespace: 'Connection',
    level,
    label: 'ERROR',
    log: { timestamp: new Date().toISOString(), message, ...extra },
  });
  const logger = () => {
    const lines: string[] = [];
    const at = (level: string) => (_fields: unknown, message: string) =>
      void lines.push(`${level} ${message}`);
    return { lines, logger: { error: at('error'), warn: at('warn'), info: at('info') } as unknown as Logger };
  };

  it('folds two minutes of reconnect errors into a start line and a reminder every 30 s', () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const { lines, logger: log } = logger();
      const filter = kafkaLogFilter(log, { reportEveryMs: 30_000, quietMs: 60_000 });
      for (let i = 0; i < 356; i++) {
        filter(entry(logLevel.ERROR, 'Connection error: connect ECONNREFUSED 127.0.0.1:9092'));
        filter(
          entry(logLevel.ERROR, 'Crash: KafkaJSNumberOfRetriesExceeded', { error: 'Connection timeout' }),
        );
        jest.advanceTimersByTime(337);
      }
      expect(lines[0]).toBe('error kafka unreachable: outage started');
      expect(lines.filter((line) => line === 'error kafka still unreachable')).toHaveLength(3);
      expect(lines).toHaveLength(4);
      jest.advanceTimersByTime(60_000);
      expect(lines.at(-1)).toMatch(/^warn kafka reachable again: outage over after 120 s$/);
    } finally {
      jest.useRealTimers();
    }
  });

  it('passes every other entry as it is', () => {
    const { lines, logger: log } = logger();
    kafkaLogFilter(log)(entry(logLevel.WARN, 'The group is rebalancing, re-joining'));
    expect(lines).toEqual(['warn The group is rebalancing, re-joining']);
  });
});
