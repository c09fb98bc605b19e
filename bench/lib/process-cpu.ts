import { readFile } from 'node:fs/promises';
import type { Pool } from 'pg';

/** Linux reports utime and stime in USER_HZ ticks, which is 100 on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

export interface CpuSeconds {
  user: number;
  system: number;
}

/** User and system CPU seconds a process has used so far (Linux /proc), or undefined once it has gone. */
const processCpu = async (pid: number): Promise<CpuSeconds | undefined> => {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count fields from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: Number(fields[11]) / TICKS_PER_SECOND, system: Number(fields[12]) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
};

/**
 * The PostgreSQL backends serving the pool's database right now (the bench's own connection excluded). Pools close
 * idle connections and open new ones, so meters take this as a function and list the backends at both ends.
 */
export const databaseBackends = async (pool: Pool): Promise<number[]> => {
  const { rows } = await pool.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  return rows.map((row) => row.pid);
};

/**
 * CPU used by a set of processes between `start()` and `stop()`. On a machine shared with other work, wall-clock
 * throughput says little about cost; CPU seconds per request do: they are what a core has to give, whoever else
 * is running. `pids` may be a function, listed again at the end: a process that appeared in between (a pool
 * opening a new PostgreSQL connection) is counted in full. Processes that exit in between are left out (their use
 * is lost, so the figure is a floor).
 */
export const cpuMeter = async (pids: number[] | (() => Promise<number[]>)) => {
  const list = typeof pids === 'function' ? pids : async () => pids;
  const before = new Map<number, CpuSeconds>();
  for (const pid of await list()) {
    const cpu = await processCpu(pid);
    if (cpu) before.set(pid, cpu);
  }
  return {
    stop: async (): Promise<CpuSeconds> => {
      const total: CpuSeconds = { user: 0, system: 0 };
      for (const pid of new Set([...before.keys(), ...(await list())])) {
        const end = await processCpu(pid);
        if (!end) continue;
        const start = before.get(pid) ?? { user: 0, system: 0 };
        total.user += end.user - start.user;
        total.system += end.system - start.system;
      }
      return total;
    },
  };
};

/** The bench process's own CPU (the load generator, and in e2e the Meta simulator), in seconds. */
export const selfCpuMeter = () => {
  const start = process.cpuUsage();
  return {
    stop: (): CpuSeconds => {
      const used = process.cpuUsage(start);
      return { user: used.user / 1e6, system: used.system / 1e6 };
    },
  };
};

export interface CpuGroup {
  name: string;
  pids: number[] | (() => Promise<number[]>);
}

export interface GroupUse {
  name: string;
  /** User + system CPU seconds. */
  seconds: number;
  user: number;
  system: number;
  /** Wall-clock seconds measured over. */
  wallSeconds: number;
}

/** CPU of several named groups of processes over the same interval. */
export const groupsMeter = async (groups: CpuGroup[]) => {
  const meters = await Promise.all(
    groups.map(async (group) => ({ group, meter: await cpuMeter(group.pids) })),
  );
  const started = performance.now();
  return {
    stop: async (): Promise<GroupUse[]> => {
      const wallSeconds = (performance.now() - started) / 1000;
      return Promise.all(
        meters.map(async ({ group, meter }) => {
          const used = await meter.stop();
          return { name: group.name, seconds: used.user + used.system, ...used, wallSeconds };
        }),
      );
    },
  };
};
