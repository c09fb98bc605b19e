import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { logLevel } from 'kafkajs';
import { createKafka } from '../../../src/infra/kafka';
import { freePort, repoRoot } from '../child-process';

/**
 * Servers of a scenario's own, on other ports, that it may kill and start again: the shared ones (Kafka on 9092,
 * Redis on 6379) serve colleagues' tests and are never stopped.
 */
export interface PrivateServer {
  /** host:port for KAFKA_BROKERS, or a redis:// URL. */
  address: string;
  kill9: () => Promise<void>;
  /** Starts it again on the same port and data; resolves once it serves requests. */
  restart: () => Promise<void>;
  /** Stops it and removes its data. */
  remove: () => Promise<void>;
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));

const until = async (what: string, probe: () => Promise<boolean>, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} not ready within ${timeoutMs / 1000} s`);
};

const redisPing = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(1000, () => socket.destroy());
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      resolve(data.toString().startsWith('+PONG'));
      socket.destroy();
    });
  });

/** A redis-server of its own (no persistence), as test/http/readyz.int.test.ts starts one. */
export const startPrivateRedis = async (): Promise<PrivateServer> => {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const launch = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    await until('redis-server', () => redisPing(port), 15_000);
  };
  await launch();
  const kill9 = async () => {
    if (!child) return;
    child.kill('SIGKILL');
    await exited(child);
  };
  return { address: `redis://127.0.0.1:${port}`, kill9, restart: launch, remove: kill9 };
};

/** Where the Kafka jars are: BRIDGE_KAFKA_LIBS, this checkout's cache, or the main checkout's. */
const kafkaLibs = (): string => {
  const candidates = [
    process.env.BRIDGE_KAFKA_LIBS,
    path.join(process.env.BRIDGE_CACHE_DIR ?? path.join(repoRoot, '.cache'), 'kafka', 'libs'),
    path.resolve(repoRoot, '..', 'main', '.cache', 'kafka', 'libs'),
  ].filter((candidate): candidate is string => Boolean(candidate));
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found)
    throw new Error(`no Kafka jars in ${candidates.join(', ')} (scripts/infra/kafka.sh fetches them)`);
  return found;
};

const kafkaReady = async (address: string): Promise<boolean> => {
  const admin = createKafka([address], 'faults-probe', undefined, {
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
};

/**
 * A single-node KRaft broker of its own (same jars and settings as scripts/infra/kafka.sh) on two free ports
 * with its data in a temporary folder, removed with it.
 */
export const startPrivateKafka = async (): Promise<PrivateServer> => {
  const libs = kafkaLibs();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faults-kafka-'));
  const port = await freePort();
  const controllerPort = await freePort();
  const props = path.join(dir, 'server.properties');
  const log4j = path.join(dir, 'log4j.properties');
  await writeFile(
    props,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      'controller.listener.names=CONTROLLER',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'inter.broker.listener.name=PLAINTEXT',
      `log.dirs=${path.join(dir, 'data')}`,
      'num.partitions=1',
      'default.replication.factor=1',
      'min.insync.replicas=1',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=3',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      '',
    ].join('\n'),
  );
  await writeFile(
    log4j,
    'log4j.rootLogger=WARN, stdout\nlog4j.appender.stdout=org.apache.log4j.ConsoleAppender\nlog4j.appender.stdout.layout=org.apache.log4j.PatternLayout\n',
  );
  const java = (args: string[]) =>
    spawn(
      'java',
      ['-Xms128m', '-Xmx384m', `-Dlog4j.configuration=file:${log4j}`, '-cp', `${libs}/*`, ...args],
      {
        stdio: 'ignore',
      },
    );
  const format = java([
    'kafka.tools.StorageTool',
    'format',
    '-t',
    randomBytes(16).toString('base64url'),
    '-c',
    props,
    '-g',
  ]);
  await exited(format);
  if (format.exitCode !== 0) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`kafka storage format failed (${format.exitCode})`);
  }
  const address = `127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const launch = async () => {
    child = java(['kafka.Kafka', props]);
    await until('private Kafka broker', () => kafkaReady(address), 120_000);
  };
  const kill9 = async () => {
    if (!child) return;
    child.kill('SIGKILL');
    await exited(child);
  };
  try {
    await launch();
  } catch (error) {
    await kill9();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    address,
    kill9,
    restart: launch,
    remove: async () => {
      await kill9();
      await rm(dir, { recursive: true, force: true });
    },
  };
};
