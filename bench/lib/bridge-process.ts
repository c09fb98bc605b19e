import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { configSchema, loadConfig, type Config } from '../../src/infra/config';
import { createBenchNamespace, removeBenchNamespace, type BenchNamespace } from './bench-namespace';
import {
  freePort,
  logDir,
  spawnServer,
  summarizeLog,
  terminate,
  waitForHttpOk,
  type LogSummary,
  type ServerChild,
} from './child-process';
import { createFreshDatabase, type FreshDatabase } from './fresh-database';

export interface BridgeProcessOptions {
  /** Names the database, the namespace and the log file: lowercase letters and digits. */
  label: string;
  /**
   * One child process per entry, each `serve --role <entry>`: `['all']` for everything in one process, or the
   * roles split over processes as a deployment scales them out. Exactly one entry must serve the API.
   */
  roles: string[];
  /** The compiled CLI (bench/lib/bridge-build.ts). */
  mainJs: string;
  /** The SQL migrations of the same build, applied to the fresh database; this checkout's when absent. */
  migrationsDir?: string;
  /** META_GRAPH_URL: a MetaSimulator in the bench process. */
  metaGraphUrl: string;
  /** Writes a V8 CPU profile of the bridge to this directory when it exits (node --cpu-prof). */
  cpuProfileDir?: string;
  /** Extra settings, applied last. */
  env?: Record<string, string>;
  /** Runs on the new (migrated) database before the bridge starts, e.g. to give it a history. */
  prepare?: (db: FreshDatabase) => Promise<void>;
}

export interface BridgeProcess {
  /** http://127.0.0.1:<port>: the public listener (webhooks). */
  url: string;
  /** http://127.0.0.1:<internal port>: admin, readiness, metrics. */
  internalUrl: string;
  adminToken: string;
  ns: BenchNamespace;
  config: Config;
  /** The bridge's own database; `db.pool` is the bench's connection to it, for checks after a run. */
  db: FreshDatabase;
  processes: Array<{ role: string; pid: number; logFile: string }>;
  /**
   * SIGTERM and wait for the graceful stop, then remove the topics, groups, keys, queue and buckets and drop the
   * database. Answers what could not be cleaned up, and the warnings and errors the bridge logged.
   */
  stop: () => Promise<{ problems: string[]; log: LogSummary }>;
}

/** Settings that say where the shared servers are: taken from the bench's environment when set there. */
const SERVER_SETTINGS = [
  'KAFKA_BROKERS',
  'REDIS_URL',
  'AMQP_URL',
  'S3_ENDPOINT',
  'S3_ACCESS_KEY',
  'S3_SECRET_KEY',
  'S3_REGION',
] as const;

/**
 * The environment of a bench bridge. Every other bridge setting in the bench's own environment is dropped, so a
 * colleague's shell (a KAFKA_TOPIC_PREFIX, a LOG_LEVEL) cannot leak into the measurement.
 */
export const bridgeEnv = (
  ns: BenchNamespace,
  db: FreshDatabase,
  port: number,
  internalPort: number,
  adminToken: string,
  options: BridgeProcessOptions,
): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(configSchema.shape)) {
    if (!(SERVER_SETTINGS as readonly string[]).includes(name)) delete env[name];
  }
  return {
    ...env,
    NODE_ENV: 'production',
    DATABASE_URL: db.url,
    HOST: '127.0.0.1',
    PORT: String(port),
    INTERNAL_HOST: '127.0.0.1',
    INTERNAL_PORT: String(internalPort),
    LOG_LEVEL: process.env.BENCH_BRIDGE_LOG_LEVEL ?? 'warn',
    KAFKA_CLIENT_ID: `bench-${ns.id}`,
    KAFKA_TOPIC_PREFIX: ns.topicPrefix,
    REDIS_KEY_PREFIX: ns.redisKeyPrefix,
    AMQP_OUTBOUND_QUEUE: ns.queue,
    S3_MEDIA_BUCKET: ns.mediaBucket,
    S3_ARCHIVE_BUCKET: ns.archiveBucket,
    S3_INBOUND_MEDIA_BUCKET: ns.inboundMediaBucket,
    META_GRAPH_URL: options.metaGraphUrl,
    META_APP_SECRET: randomBytes(16).toString('hex'),
    META_VERIFY_TOKEN: randomBytes(16).toString('hex'),
    // Nothing in a bench should reach Genesys (tenants get no OAuth client): a closed loopback port makes an
    // unexpected call fail at once instead of leaving the machine.
    GENESYS_API_URL_TEMPLATE: 'http://127.0.0.1:1',
    GENESYS_LOGIN_URL_TEMPLATE: 'http://127.0.0.1:1',
    CREDENTIALS_KEY: randomBytes(32).toString('base64'),
    ADMIN_TOKEN: adminToken,
    ...options.env,
  };
};

/**
 * A real bridge (`bridge serve --role …`) as a child process on a free loopback port, with a database, topics,
 * keys, queue and buckets of its own. The load generator stays in the bench process, so server and client never
 * share an event loop. Resolves once GET /readyz answers 200 (every dependency reachable, migrations applied).
 */
export const startBridge = async (options: BridgeProcessOptions): Promise<BridgeProcess> => {
  const apiRole = options.roles.filter((role) => role === 'api' || role === 'all');
  if (apiRole.length !== 1) throw new Error(`exactly one of ${options.roles.join(', ')} must serve the API`);
  const ns = createBenchNamespace(options.label);
  // Migrated here already; the serve command's own migration run then only checks the recorded checksums.
  const db = await createFreshDatabase(options.label, 4, options.migrationsDir);
  const servers: Array<{ role: string; server: ServerChild }> = [];
  let config: Config | undefined;
  const cleanup = async (): Promise<string[]> => {
    const problems = config ? await removeBenchNamespace(ns, config) : [];
    await db.drop().catch((error: Error) => problems.push(`database not dropped: ${error.message}`));
    return problems;
  };
  try {
    await options.prepare?.(db);
    const port = await freePort();
    const internalPort = await freePort();
    const adminToken = randomBytes(16).toString('hex');
    const env = bridgeEnv(ns, db, port, internalPort, adminToken, options);
    // Parsed here too: a bad setting fails the bench with the variable's name instead of a dead child.
    config = loadConfig(env);
    const nodeArgs: string[] = [];
    if (options.cpuProfileDir) {
      await mkdir(options.cpuProfileDir, { recursive: true });
      nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`);
    }
    // The API first: its readiness also means the topics exist before any consumer subscribes.
    const url = `http://127.0.0.1:${port}`;
    const internalUrl = `http://127.0.0.1:${internalPort}`;
    for (const role of [apiRole[0]!, ...options.roles.filter((role) => role !== apiRole[0])]) {
      const args = [...nodeArgs, options.mainJs, 'serve', '--role', role];
      servers.push({ role, server: await spawnServer(`bridge-${ns.id}-${role}`, args, env) });
      if (role === apiRole[0]) await waitForHttpOk(servers[0]!.server, `${internalUrl}/readyz`, 90_000);
    }
    // Worker-only processes have no HTTP endpoint; the benches' own setup (mappings projected, warm-up messages
    // at Meta) proves they work. Here it is only checked that none died at start.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const dead = servers.filter(({ server }) => server.child.exitCode !== null);
    if (dead.length) {
      throw new Error(
        `bridge ${dead.map(({ role }) => role).join(', ')} exited at start: see ${dead[0]!.server.logFile}`,
      );
    }
    const settled = config;
    return {
      url,
      internalUrl,
      adminToken,
      ns,
      config: settled,
      db,
      processes: servers.map(({ role, server }) => ({
        role,
        pid: server.child.pid ?? 0,
        logFile: server.logFile,
      })),
      stop: async () => {
        // The API first, so that nothing new comes in; then the workers, which commit and leave their groups on
        // SIGTERM (a minute is far more than that takes).
        const exits = [await terminate(servers[0]!.server, 60_000)];
        exits.push(...(await Promise.all(servers.slice(1).map(({ server }) => terminate(server, 60_000)))));
        const problems = await cleanup();
        servers.forEach(({ role, server }, index) => {
          if (exits[index] !== 'code 0') {
            problems.push(`bridge ${role} exited with ${exits[index]}, not 0 (log: ${server.logFile})`);
          }
        });
        const logs = await Promise.all(servers.map(({ server }) => summarizeLog(server.logFile)));
        return {
          problems,
          log: {
            warnings: logs.reduce((sum, log) => sum + log.warnings, 0),
            errors: logs.reduce((sum, log) => sum + log.errors, 0),
            messages: [...new Set(logs.flatMap((log) => log.messages))].slice(0, 5),
          },
        };
      },
    };
  } catch (error) {
    await Promise.all(servers.map(({ server }) => terminate(server, 10_000)));
    await cleanup();
    throw error;
  }
};

/** Where CPU profiles go when a bench is run with --cpu-prof. */
export const cpuProfileDir = (bench: string): string => path.join(logDir, `${bench}-cpu-profiles`);

/** Stops `bridge` and answers what a report says of it: the warnings and errors it logged, what was left behind. */
export const stopBridgeWithNotes = async (bridge: BridgeProcess): Promise<string[]> => {
  const { problems, log } = await bridge.stop();
  return [
    `bridge log: ${log.warnings} warnings, ${log.errors} errors${log.messages.length ? ` (${log.messages.join('; ')})` : ''}`,
    ...problems.map((problem) => `cleanup: ${problem}`),
  ];
};
