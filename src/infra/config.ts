import { z } from 'zod';

/**
 * Every setting the bridge reads, validated once at start. Defaults point at loopback so a fresh clone runs
 * against the local infrastructure. No secret has a default, with one exception: S3_SECRET_KEY defaults to the
 * local S3Proxy's credential (scripts/infra/s3proxy.sh), and only while S3_ENDPOINT is a loopback address.
 */
const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
    );

const port = z.coerce.number().int().min(1).max(65535);
const secret = z.string().min(1, 'must not be empty');
const hostList = z
  .string()
  .trim()
  .transform((value) =>
    value
      .split(',')
      .map((host) => host.trim().toLowerCase())
      .filter(Boolean),
  );

const base64Key = z.string().refine((value) => {
  const bytes = Buffer.from(value, 'base64');
  return bytes.length === 32 && bytes.toString('base64') === value.replace(/\s/g, '');
}, 'must be 32 bytes encoded as base64 (e.g. `openssl rand -base64 32`)');

export const configSchema = z.object({
  /** The public listener: webhooks and /healthz only. */
  PORT: port.default(3000),
  HOST: z.string().default('127.0.0.1'),
  /** The internal listener: State Manager API, audit, admin, /readyz, /metrics. Loopback unless opened on purpose. */
  INTERNAL_PORT: port.default(3001),
  INTERNAL_HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).default(
    'postgres://postgres@127.0.0.1:5432/genesys_whatsapp_bridge',
  ),
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z.string().default(''),
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((value) => value.split(',').map((b) => b.trim()))
    .pipe(z.array(z.string().regex(/^[^\s:]+:\d+$/, 'must be host:port[,host:port…]')).min(1)),
  KAFKA_CLIENT_ID: z.string().default('genesys-whatsapp-bridge'),
  KAFKA_TOPIC_PREFIX: z.string().default(''),
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1024).default(6),
  AMQP_URL: url(['amqp:', 'amqps:']).default('amqp://guest:guest@127.0.0.1:5672'),
  AMQP_OUTBOUND_QUEUE: z.string().min(1).default('OUTBOUND_GENESYS_MESSAGES'),
  S3_ENDPOINT: url(['http:', 'https:']).default('http://127.0.0.1:9000'),
  S3_PUBLIC_ENDPOINT: url(['http:', 'https:']).optional(),
  S3_ACCESS_KEY: z.string().min(1).default('bridge-local'),
  S3_SECRET_KEY: secret.default('bridge-local-secret-key'),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_MEDIA_BUCKET: z.string().min(3).default('media-outbound'),
  S3_ARCHIVE_BUCKET: z.string().min(3).default('webhooks-outbound'),
  META_GRAPH_URL: url(['http:', 'https:']).optional(),
  /**
   * `serve` runs the built-in simulators and a demo tenant (like `serve --sandbox`). An explicit choice: a missing
   * META_GRAPH_URL alone never means sandbox, or real tenants' messages would be acknowledged and never delivered.
   */
  BRIDGE_SANDBOX: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['1', 'true', '0', 'false'], { message: 'must be 1, true, 0 or false' }))
    .transform((value) => value === '1' || value === 'true')
    .default(false),
  /** Where the sandbox writes its secrets file (0600) and demo webhook; git-ignored under the checkout. */
  BRIDGE_SANDBOX_DIR: z.string().min(1).default('.cache/sandbox'),
  META_GRAPH_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, 'must look like v<major>.<minor>')
    .default('v21.0'),
  META_APP_SECRET: secret.optional(),
  META_VERIFY_TOKEN: secret.optional(),
  GENESYS_API_URL_TEMPLATE: z.string().default('https://api.{region}'),
  GENESYS_LOGIN_URL_TEMPLATE: z.string().default('https://login.{region}'),
  GENESYS_DOWNLOAD_HOSTS: hostList.optional(),
  /**
   * Simulators only: attachment URLs are still checked against the allowed hosts as the webhook gives them, then
   * fetched from this origin instead (like curl --connect-to). Never set in production.
   */
  GENESYS_DOWNLOAD_ORIGIN_OVERRIDE: url(['http:', 'https:']).optional(),
  META_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120000).default(10000),
  GENESYS_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120000).default(10000),
  // A Meta status waits this long for its MessageSent, then is dropped as belonging to a message another tool sent.
  PARKED_STATUS_RETENTION_HOURS: z.coerce
    .number()
    .min(0.01)
    .max(24 * 90)
    .default(168),
  CREDENTIALS_KEY: base64Key.optional(),
  CREDENTIALS_KEY_ID: z.string().min(1).default('k1'),
  /** Keys retired from sealing but still accepted for reading: `id:base64,id:base64`. */
  CREDENTIALS_PREVIOUS_KEYS: z
    .string()
    .transform((value) =>
      Object.fromEntries(
        value
          .split(',')
          .filter(Boolean)
          .map((entry) => {
            const at = entry.indexOf(':');
            return [entry.slice(0, at).trim(), entry.slice(at + 1).trim()];
          }),
      ),
    )
    .pipe(z.record(z.string().min(1), base64Key))
    .optional(),
  // A short token can be guessed over the network; 32 characters is 128+ bits from any decent generator.
  ADMIN_TOKEN: z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -hex 32`)').optional(),
  /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  // ---- Secured connections (README "Securing connections"). PostgreSQL, Redis and RabbitMQ take TLS and
  // credentials from their URLs (sslmode=…, rediss://, amqps://); Kafka has no URL, so it has these settings.
  // kafkaClientOptions (kafka.ts) turns them into kafkajs options; kafkaSecurityProblem checks them together.
  KAFKA_SSL: z
    .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
    .transform((value) => value === 'true' || value === '1')
    .default(false),
  KAFKA_SSL_CA_FILE: z.string().trim().min(1).optional(),
  KAFKA_SASL_MECHANISM: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(
      z.enum(['plain', 'scram-sha-256', 'scram-sha-512'], {
        message: 'must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512',
      }),
    )
    .optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: secret.optional(),
  // ---- end of secured connections
  // ---- Timeouts (README "Timeouts"). Every call to a dependency gives up after a bounded time, so an outage makes
  // requests fail fast (a webhook answers 503 and is retried by its sender) instead of hanging. infra/postgres.ts,
  // redis.ts and s3.ts turn these into client options; limitsProblem checks them together.
  /** Opening a PostgreSQL connection, and waiting for a free one in the pool. */
  PG_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(1000),
  /** One statement of the service (server side); the client gives up 1 s later should the server not answer. */
  PG_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600000).default(5000),
  /** A transaction left open without a statement is ended by PostgreSQL (its locks released). */
  PG_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(100).max(600000).default(10000),
  /** Everything a webhook does with PostgreSQL (tenant lookup, append): past it, the answer is 503. */
  WEBHOOK_STORE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(1500),
  REDIS_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(2000),
  /** Redis only holds caches: a command slower than this fails and the caller reads PostgreSQL instead. */
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(10).max(60000).default(500),
  /** An S3 request with no byte sent or received for this long is aborted. */
  S3_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600000).default(15000),
  // ---- end of timeouts
  // ---- PostgreSQL connections (README "PostgreSQL connections"). The webhook routes have a pool of their own, so
  // that the relay, projections and processors, however busy, never hold a webhook's 2xx back.
  /** Connections of everything but the webhook routes: relay, projections, processors, internal API. */
  PG_POOL_MAX: z.coerce.number().int().min(1).max(500).default(20),
  /** Connections of the webhook routes (tenant lookups on a cache miss, appends). */
  PG_WEBHOOK_POOL_MAX: z.coerce.number().int().min(1).max(100).default(4),
  /**
   * Group commit of the webhook routes' appends: how many append transactions may be in flight at once. Appends
   * arriving while that many are share the next transaction (src/events/store/group-commit.ts).
   */
  WEBHOOK_APPENDS_IN_FLIGHT: z.coerce.number().int().min(1).max(100).default(2),
  // ---- end of PostgreSQL connections
  // ---- Inbound media (README "Inbound media"): a customer's image/audio/video/document/sticker is fetched from
  // Meta, stored, and handed to Genesys as a presigned URL. processors/inbound/inbound-media.ts reads these.
  /** Where inbound media is stored (keys `{tenant}/inbound/{kind folder}/{yyyy-MM-dd}/{uuid}.{ext}`). */
  S3_INBOUND_MEDIA_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name (3-63 of a-z 0-9 . -)')
    .default('media-inbound'),
  /** Lifetime of the presigned URL Genesys gets; SigV4 presigned URLs last at most 7 days (604800 s). */
  INBOUND_MEDIA_URL_TTL_SECONDS: z.coerce.number().int().min(60).max(604800).default(604800),
  /** Largest inbound file; Genesys takes attachments up to 25 MB, so larger files become a text for the agent. */
  INBOUND_MEDIA_MAX_BYTES: z.coerce.number().int().min(1).max(25_000_000).default(25_000_000),
  /** One download from Meta's CDN, body included (a 25 MB file on a slow link needs more than a Graph call). */
  INBOUND_MEDIA_DOWNLOAD_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600000).default(60000),
  /** Lookup-and-download attempts per file (each with a fresh URL) before the failure is reported. */
  INBOUND_MEDIA_DOWNLOAD_ATTEMPTS: z.coerce.number().int().min(1).max(5).default(3),
  // ---- end of inbound media
});

/** The first inconsistency among the Kafka security settings, as [variable, reason]. */
export const kafkaSecurityProblem = (
  raw: Pick<
    z.infer<typeof configSchema>,
    'KAFKA_SSL' | 'KAFKA_SSL_CA_FILE' | 'KAFKA_SASL_MECHANISM' | 'KAFKA_SASL_USERNAME' | 'KAFKA_SASL_PASSWORD'
  >,
): [string, string] | undefined => {
  if (raw.KAFKA_SSL_CA_FILE && !raw.KAFKA_SSL) return ['KAFKA_SSL_CA_FILE', 'needs KAFKA_SSL=true'];
  if (raw.KAFKA_SASL_MECHANISM && !raw.KAFKA_SASL_USERNAME)
    return ['KAFKA_SASL_USERNAME', 'is required with KAFKA_SASL_MECHANISM'];
  if (raw.KAFKA_SASL_MECHANISM && !raw.KAFKA_SASL_PASSWORD)
    return ['KAFKA_SASL_PASSWORD', 'is required with KAFKA_SASL_MECHANISM'];
  if (!raw.KAFKA_SASL_MECHANISM && (raw.KAFKA_SASL_USERNAME || raw.KAFKA_SASL_PASSWORD))
    return ['KAFKA_SASL_MECHANISM', 'is required with KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD'];
  return undefined;
};

/** The first inconsistency among the PostgreSQL pool sizes, as [variable, reason]. */
export const poolsProblem = (
  raw: Pick<z.infer<typeof configSchema>, 'PG_WEBHOOK_POOL_MAX' | 'WEBHOOK_APPENDS_IN_FLIGHT'>,
): [string, string] | undefined => {
  // Every append in flight holds a connection; at least one more is left for tenant lookups.
  if (raw.WEBHOOK_APPENDS_IN_FLIGHT >= raw.PG_WEBHOOK_POOL_MAX)
    return ['WEBHOOK_APPENDS_IN_FLIGHT', 'must be less than PG_WEBHOOK_POOL_MAX'];
  return undefined;
};

/** The first inconsistency among the timeouts, as [variable, reason]. */
export const timeoutsProblem = (
  raw: Pick<z.infer<typeof configSchema>, 'WEBHOOK_STORE_TIMEOUT_MS' | 'PG_STATEMENT_TIMEOUT_MS'>,
): [string, string] | undefined => {
  // A webhook's append cut short by the server would answer 503 after the deadline anyway.
  if (raw.WEBHOOK_STORE_TIMEOUT_MS > raw.PG_STATEMENT_TIMEOUT_MS)
    return ['WEBHOOK_STORE_TIMEOUT_MS', 'must not exceed PG_STATEMENT_TIMEOUT_MS'];
  return undefined;
};

type RawConfig = z.infer<typeof configSchema>;

export type Config = Omit<RawConfig, 'S3_PUBLIC_ENDPOINT'> & {
  S3_PUBLIC_ENDPOINT: string;
  /** Sandbox mode was asked for (BRIDGE_SANDBOX); `serve` also takes --sandbox, see runtime/sandbox-mode.ts. */
  sandbox: boolean;
};

/** The names of settings whose values must never be printed. */
export const secretSettings = [
  'S3_SECRET_KEY',
  'META_APP_SECRET',
  'META_VERIFY_TOKEN',
  'CREDENTIALS_KEY',
  'CREDENTIALS_PREVIOUS_KEYS',
  'ADMIN_TOKEN',
  'METRICS_TOKEN',
  'KAFKA_SASL_PASSWORD',
] as const;

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly reason: string,
  ) {
    super(`Invalid configuration: ${variable} ${reason}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; the first problem is reported naming the variable, never its value. */
export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  const raw = parsed.data;
  if (present.S3_SECRET_KEY === undefined && !isLoopback(raw.S3_ENDPOINT)) {
    // The default is the local S3Proxy's published credential: anywhere else it would be a guessable password.
    throw new ConfigError('S3_SECRET_KEY', 'must be set when S3_ENDPOINT is not a loopback address');
  }
  const kafkaProblem = kafkaSecurityProblem(raw);
  if (kafkaProblem) throw new ConfigError(...kafkaProblem);
  const limitsProblem = timeoutsProblem(raw);
  if (limitsProblem) throw new ConfigError(...limitsProblem);
  const poolProblem = poolsProblem(raw);
  if (poolProblem) throw new ConfigError(...poolProblem);
  return {
    ...raw,
    S3_PUBLIC_ENDPOINT: raw.S3_PUBLIC_ENDPOINT ?? raw.S3_ENDPOINT,
    sandbox: raw.BRIDGE_SANDBOX,
  };
};

const isLoopback = (endpoint: string): boolean => {
  const host = new URL(endpoint).hostname;
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
};

/** A copy that is safe to log: secrets masked, passwords removed from URLs. */
export const describeConfig = (config: Config): Record<string, unknown> => {
  const masked: Record<string, unknown> = { ...config };
  for (const name of secretSettings) if (masked[name] !== undefined) masked[name] = '[redacted]';
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'AMQP_URL'] as const)
    masked[name] = withoutPassword(config[name]);
  return masked;
};

const withoutPassword = (value: string): string => {
  const parsed = new URL(value);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
};

/** Names a topic inside this deployment's namespace (tests give each file its own prefix). */
export const topicName = (config: Pick<Config, 'KAFKA_TOPIC_PREFIX'>, topic: string): string =>
  `${config.KAFKA_TOPIC_PREFIX}${topic}`;
