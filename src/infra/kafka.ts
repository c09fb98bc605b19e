import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import type { Config } from './config';
import type { Logger } from './logger';
import { OutageLog } from './outage-log';

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** What kafkajs writes while a broker cannot be reached: one per reconnect attempt, of every client. */
const CONNECTIVITY =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|Connection (error|timeout|closed)|Closed connection|Failed to connect|not connected|KafkaJSConnection|NumberOfRetriesExceeded|Request .* timed out|Restarting the consumer|no leader/i;

export const isConnectivityEntry = (entry: LogEntry): boolean => {
  const { message, error, stack } = entry.log as { message: string; error?: unknown; stack?: unknown };
  return CONNECTIVITY.test(`${message} ${String(error ?? '')} ${String(stack ?? '')}`);
};

/**
 * kafkajs' log, with broker outages folded into an OutageLog: a line when the outage starts, a reminder every
 * `reportEveryMs`, a line when connection errors stopped for `quietMs` (kafkajs reports failures, never a
 * success). Everything else passes as it is.
 */
export const kafkaLogFilter = (
  logger: Logger,
  options: { reportEveryMs?: number; quietMs?: number } = {},
): ((entry: LogEntry) => void) => {
  const outage = new OutageLog({
    dependency: 'kafka',
    logger,
    reportEveryMs: options.reportEveryMs ?? 30_000,
    quietMs: options.quietMs ?? 60_000,
  });
  return (entry) => {
    const { message, ...rest } = entry.log;
    if (entry.level <= logLevel.WARN && isConnectivityEntry(entry)) {
      const error = (rest as { error?: unknown }).error;
      outage.failure(String(error ?? message), { broker: (rest as { broker?: unknown }).broker });
      return;
    }
    logger[levels[entry.level] ?? 'info']({ kafka: entry.namespace, ...rest }, message);
  };
};

export const createKafka = (
  brokers: string[],
  clientId: string,
  logger?: Logger,
  extra: Partial<KafkaConfig> = {},
) =>
  new Kafka({
    clientId,
    brokers,
    connectionTimeout: 3000,
    requestTimeout: 10000,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 100, retries: 8 },
    logCreator: () => {
      // One filter per client instance (kafkajs calls logCreator once per Kafka object).
      const log = logger ? kafkaLogFilter(logger) : undefined;
      return (entry) => log?.(entry);
    },
    ...extra,
  });

export type KafkaSecuritySettings = Pick<
  Config,
  'KAFKA_SSL' | 'KAFKA_SSL_CA_FILE' | 'KAFKA_SASL_MECHANISM' | 'KAFKA_SASL_USERNAME' | 'KAFKA_SASL_PASSWORD'
>;

/**
 * The TLS and SASL part of the kafkajs options, from the settings (validated together by loadConfig). TLS always
 * verifies the brokers' certificates: against the system CAs, or only the given CA file when there is one.
 */
export const kafkaClientOptions = (
  config: KafkaSecuritySettings,
  readFile: (path: string) => Buffer = (path) => readFileSync(path),
): Pick<KafkaConfig, 'ssl' | 'sasl'> => {
  const options: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (config.KAFKA_SSL) {
    options.ssl = config.KAFKA_SSL_CA_FILE
      ? { ca: [readFile(config.KAFKA_SSL_CA_FILE)], rejectUnauthorized: true }
      : { rejectUnauthorized: true };
  }
  if (config.KAFKA_SASL_MECHANISM) {
    if (!config.KAFKA_SASL_USERNAME || !config.KAFKA_SASL_PASSWORD)
      throw new Error('KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD');
    const credentials = { username: config.KAFKA_SASL_USERNAME, password: config.KAFKA_SASL_PASSWORD };
    // Spelled out per mechanism: kafkajs types each mechanism's options separately.
    switch (config.KAFKA_SASL_MECHANISM) {
      case 'plain':
        options.sasl = { mechanism: 'plain', ...credentials };
        break;
      case 'scram-sha-256':
        options.sasl = { mechanism: 'scram-sha-256', ...credentials };
        break;
      case 'scram-sha-512':
        options.sasl = { mechanism: 'scram-sha-512', ...credentials };
        break;
    }
  }
  return options;
};
