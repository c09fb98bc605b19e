import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Paths pino removes before a line is written. Secrets must never reach a log, whatever object a caller passes:
 * tokens, webhook secrets, authorization headers and signatures are cut wherever they appear one or two levels deep.
 */
export const redactedPaths = [
  'accessToken',
  'access_token',
  'clientSecret',
  'client_secret',
  'genesysWebhookSecret',
  'genesysClientSecret',
  'appSecret',
  'password',
  'secret',
  'token',
  'authorization',
  '*.accessToken',
  '*.access_token',
  '*.clientSecret',
  '*.client_secret',
  '*.genesysWebhookSecret',
  '*.genesysClientSecret',
  '*.secret',
  '*.token',
  '*.password',
  '*.authorization',
  'req.headers.authorization',
  'req.headers["x-hub-signature-256"]',
  'headers.authorization',
  'headers["x-hub-signature-256"]',
  '*.whatsapp.accessToken',
];

export const createLogger = (level: string, destination?: pino.DestinationStream): Logger =>
  pino(
    {
      level,
      base: { service: 'genesys-whatsapp-bridge' },
      redact: { paths: redactedPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
