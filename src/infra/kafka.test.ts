import { loadConfig } from './config';
import { kafkaClientOptions } from './kafka';

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
