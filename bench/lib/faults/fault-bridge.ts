import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../../src/infra/config';
import { createBenchNamespace, removeBenchNamespace, type BenchNamespace } from '../bench-namespace';
import { bridgeEnv } from '../bridge-process';
import {
  freePort,
  spawnServer,
  summarizeLog,
  terminate,
  waitForHttpOk,
  type LogSummary,
  type ServerChild,
} from '../child-process';
import { createFreshDatabase, type FreshDatabase } from '../fresh-database';

export interface FaultBridgeOptions {
  label: string;
  /** One child per entry (`serve --role <entry>`); the first must be `all` or `api`. */
  roles: string[];
  mainJs: string;
  metaGraphUrl: string;
  env?: Record<string, string>;
  /** Where the bridge reaches PostgreSQL, when not directly (a fault proxy): the port replaces 5432. */
  databasePort?: number;
}

interface Child {
  role: string;
  server: ServerChild;
  starts: number;
}

/**
 * Bridge child processes like bench/lib/bridge-process.ts, but which a fault scenario may kill -9 and start
 * again (same database, namespace and settings), one process at a time.
 */
export class FaultBridge {
  private readonly children: Child[] = [];

  private constructor(
    readonly url: string,
    readonly internalUrl: string,
    readonly adminToken: string,
    readonly ns: BenchNamespace,
    readonly config: Config,
    readonly db: FreshDatabase,
    private readonly env: NodeJS.ProcessEnv,
    private readonly options: FaultBridgeOptions,
  ) {}

  static async start(options: FaultBridgeOptions): Promise<FaultBridge> {
    const ns = createBenchNamespace(options.label);
    const db = await createFreshDatabase(options.label, 4);
    let bridge: FaultBridge | undefined;
    try {
      const port = await freePort();
      const internalPort = await freePort();
      const adminToken = randomBytes(16).toString('hex');
      const env = bridgeEnv(ns, db, port, internalPort, adminToken, {
        label: options.label,
        roles: options.roles,
        mainJs: options.mainJs,
        metaGraphUrl: options.metaGraphUrl,
        env: options.env ?? {},
      });
      if (options.databasePort !== undefined) {
        const url = new URL(db.url);
        url.port = String(options.databasePort);
        env.DATABASE_URL = url.toString();
      }
      const config = loadConfig(env);
      bridge = new FaultBridge(
        `http://127.0.0.1:${port}`,
        `http://127.0.0.1:${internalPort}`,
        adminToken,
        ns,
        config,
        db,
        env,
        options,
      );
      for (let index = 0; index < options.roles.length; index++) {
        await bridge.spawn(index);
        if (index === 0) await bridge.waitReady(0, 90_000);
      }
      return bridge;
    } catch (error) {
      if (bridge) await bridge.stop();
      else await db.drop().catch(() => undefined);
      throw error;
    }
  }

  get processes(): Array<{ role: string; pid: number }> {
    return this.children.map((child) => ({ role: child.role, pid: child.server.child.pid ?? 0 }));
  }

  /** SIGKILL: no graceful stop, no commit, no goodbye to PostgreSQL or Kafka. */
  async kill9(index: number): Promise<void> {
    const child = this.children[index]!;
    child.server.child.kill('SIGKILL');
    await child.server.exited;
  }

  /** Starts process `index` again, as a supervisor would; resolves once spawned (not yet ready). */
  async restart(index: number): Promise<void> {
    await this.spawn(index);
  }

  /** Resolves once /readyz answers 200 (the process that serves the API). */
  waitReady(index: number, timeoutMs: number): Promise<void> {
    return waitForHttpOk(this.children[index]!.server, `${this.internalUrl}/readyz`, timeoutMs);
  }

  /** SIGTERM each process (SIGKILL after 60 s), then remove the namespace and database. */
  async stop(): Promise<{ problems: string[]; log: LogSummary; stopSeconds: number[] }> {
    const exits: string[] = [];
    const stopSeconds: number[] = [];
    for (const child of this.children) {
      const started = Date.now();
      exits.push(await terminate(child.server, 60_000));
      stopSeconds.push((Date.now() - started) / 1000);
    }
    const problems = await removeBenchNamespace(this.ns, this.config).catch((error: Error) => [
      error.message,
    ]);
    await this.db.drop().catch((error: Error) => problems.push(`database not dropped: ${error.message}`));
    this.children.forEach((child, index) => {
      if (exits[index] !== 'code 0') problems.push(`bridge ${child.role} exited with ${exits[index]}`);
    });
    const logs = await Promise.all(this.children.map((child) => summarizeLog(child.server.logFile)));
    return {
      stopSeconds,
      problems,
      log: {
        warnings: logs.reduce((sum, log) => sum + log.warnings, 0),
        errors: logs.reduce((sum, log) => sum + log.errors, 0),
        messages: [...new Set(logs.flatMap((log) => log.messages))].slice(0, 5),
      },
    };
  }

  private async spawn(index: number): Promise<void> {
    const previous = this.children[index];
    const role = previous?.role ?? this.options.roles[index]!;
    const starts = (previous?.starts ?? 0) + 1;
    const server = await spawnServer(
      `bridge-${this.ns.id}-${index}-${role}-${starts}`,
      [this.options.mainJs, 'serve', '--role', role],
      this.env,
    );
    this.children[index] = { role, server, starts };
  }
}
