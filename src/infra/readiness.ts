import type { Admin } from 'kafkajs';
import type { Pool } from 'pg';
import type { Redis } from 'ioredis';
import type { Client as S3 } from 'minio';
import { connectAmqp, type AmqpConnection } from './amqp';

export type DependencyName = 'postgres' | 'redis' | 'kafka' | 'rabbitmq' | 's3';

export interface DependencyCheck {
  name: DependencyName;
  probe: () => Promise<void>;
}

export interface DependencyState {
  name: DependencyName;
  up: boolean;
  latencyMs: number;
  error?: string;
}

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });

/** Probes every dependency at once; one slow dependency costs at most `timeoutMs`, never the whole answer. */
export const checkDependencies = (checks: DependencyCheck[], timeoutMs = 1500): Promise<DependencyState[]> =>
  Promise.all(
    checks.map(async ({ name, probe }) => {
      const started = performance.now();
      try {
        await withTimeout(probe(), timeoutMs);
        return { name, up: true, latencyMs: Math.round(performance.now() - started) };
      } catch (error) {
        return {
          name,
          up: false,
          latencyMs: Math.round(performance.now() - started),
          // Only the message: client errors may quote connection strings, never credentials-free by guarantee.
          error: scrubCredentials((error as Error).message || (error as Error).name),
        };
      }
    }),
  );

const scrubCredentials = (text: string): string => text.replace(/\/\/[^/@\s]+@/g, '//***@');

export const postgresCheck = (pool: Pool): DependencyCheck => ({
  name: 'postgres',
  probe: async () => {
    await pool.query('SELECT 1');
  },
});

export const redisCheck = (redis: Redis): DependencyCheck => ({
  name: 'redis',
  probe: async () => {
    if ((await redis.ping()) !== 'PONG') throw new Error('unexpected PING answer');
  },
});

export const kafkaCheck = (admin: Admin): DependencyCheck => ({
  name: 'kafka',
  probe: async () => {
    // A no-op once connected; connects the admin when the broker was down at start (or has been since).
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('no broker in the cluster');
  },
});

export const s3Check = (s3: S3, bucket: string): DependencyCheck => ({
  name: 's3',
  probe: async () => {
    await s3.bucketExists(bucket);
  },
});

/** RabbitMQ: keeps one probe connection and opens a new one when the old was closed (a broker restart). */
export const rabbitmqCheck = (url: string): DependencyCheck & { close: () => Promise<void> } => {
  let connection: AmqpConnection | undefined;
  let closed = false;
  return {
    name: 'rabbitmq',
    probe: async () => {
      if (!connection) {
        const fresh = await connectAmqp(url);
        fresh.on('close', () => {
          if (connection === fresh) connection = undefined;
        });
        if (closed) {
          await fresh.close();
          return;
        }
        connection = fresh;
      }
      // A channel round trip proves the broker answers, not only that a socket is open.
      const channel = await connection.createChannel();
      await channel.close();
    },
    close: async () => {
      closed = true;
      await connection?.close().catch(() => undefined);
      connection = undefined;
    },
  };
};
