import { readdir, readFile } from 'node:fs/promises';
import type { CpuGroup } from './process-cpu';

interface ProcessInfo {
  pid: number;
  /** argv joined by spaces. */
  commandLine: string;
  /** The kernel's short name (/proc/<pid>/comm). */
  name: string;
}

const listProcesses = async (): Promise<ProcessInfo[]> => {
  const entries = (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry));
  const found = await Promise.all(
    entries.map(async (entry): Promise<ProcessInfo | undefined> => {
      try {
        const [commandLine, name] = await Promise.all([
          readFile(`/proc/${entry}/cmdline`, 'utf8'),
          readFile(`/proc/${entry}/comm`, 'utf8'),
        ]);
        return { pid: Number(entry), commandLine: commandLine.split('\0').join(' '), name: name.trim() };
      } catch {
        return undefined; // gone between the listing and the read
      }
    }),
  );
  return found.filter((info): info is ProcessInfo => info !== undefined);
};

/**
 * How each shared server is told apart on this machine. Kafka and S3Proxy are both `java`, started by
 * scripts/infra/up.sh from whichever checkout ran it (so their pid files are not necessarily under this
 * worktree's .cache/): their main class names them. RabbitMQ's work is done in the Erlang VM (beam.smp).
 * PostgreSQL's server processes other than the backends (the postmaster, WAL writer, checkpointer, background
 * writer) are shared by every database: the backends of the bench's own database are metered apart.
 */
const SERVICES: Array<{ name: string; matches: (info: ProcessInfo) => boolean }> = [
  { name: 'Kafka', matches: (info) => info.name === 'java' && info.commandLine.includes(' kafka.Kafka ') },
  {
    name: 'S3Proxy',
    matches: (info) => info.name === 'java' && info.commandLine.includes('org.gaul.s3proxy'),
  },
  { name: 'RabbitMQ', matches: (info) => info.name === 'beam.smp' },
  { name: 'Redis', matches: (info) => info.name === 'redis-server' },
  {
    name: 'PostgreSQL server processes (WAL writer, checkpointer, …)',
    matches: (info) =>
      info.name === 'postgres' &&
      (/\/bin\/postgres\b/.test(info.commandLine) ||
        /^postgres: .*(walwriter|checkpointer|background writer|autovacuum|stats|logical replication)/.test(
          info.commandLine,
        )),
  },
];

/**
 * The shared servers' processes as CPU groups, found by name in /proc. They serve every colleague on the
 * machine, not only the bench: their cost per message is an upper bound, to be read next to the idle rate
 * measured just before (which carries the neighbours' share). A server not found is named in `missing`.
 */
export const serviceGroups = async (): Promise<{ groups: CpuGroup[]; missing: string[] }> => {
  const processes = await listProcesses();
  const groups: CpuGroup[] = [];
  const missing: string[] = [];
  for (const service of SERVICES) {
    const pids = processes.filter(service.matches).map((info) => info.pid);
    if (pids.length) groups.push({ name: service.name, pids });
    else missing.push(service.name);
  }
  return { groups, missing };
};
