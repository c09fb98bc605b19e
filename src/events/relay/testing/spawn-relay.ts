import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../../../..');

export interface RelayProcessOptions {
  databaseUrl: string;
  brokers: string[];
  topicPrefix: string;
  batchSize?: number;
  maxSendBytes?: number;
}

/** Starts src/events/relay/testing/relay-process.ts under tsx; resolves once its relay has started. */
export const spawnRelay = async (options: RelayProcessOptions): Promise<ChildProcess> => {
  // node itself with tsx's loader, not the tsx launcher: the launcher runs the script in a grandchild process that
  // a SIGKILL of the launcher would leave running (and holding the lock).
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'src/events/relay/testing/relay-process.ts')],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        DATABASE_URL: options.databaseUrl,
        KAFKA_BROKERS: options.brokers.join(','),
        TOPIC_PREFIX: options.topicPrefix,
        RELAY_BATCH_SIZE: String(options.batchSize ?? 500),
        RELAY_MAX_SEND_BYTES: String(options.maxSendBytes ?? 900_000),
      },
    },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('relay process did not start in 30 s')), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('started')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`relay process exited with ${code}`));
    });
  });
  return child;
};

/** Kills like a crash: no shutdown hook runs, the process's connections just close. */
export const crash = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
};
