import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../..');

/** Child logs are kept here (ignored by git) so that a failed or surprising run can be looked at afterwards. */
export const logDir = path.join(repoRoot, '.cache', 'bench-logs');

/** A loopback port nobody listens on right now (the child binds it a moment later). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });

export interface ServerChild {
  child: ChildProcess;
  logFile: string;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<string>;
}

/**
 * Starts `node <args>` with its stdout and stderr written straight to a log file: the child writes to the file
 * descriptor itself, so its logging never costs the parent (the load generator) any work.
 */
export const spawnServer = async (
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<ServerChild> => {
  await mkdir(logDir, { recursive: true });
  const logFile = path.join(logDir, `${name}.log`);
  const fd = openSync(logFile, 'w');
  try {
    const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', fd, fd] });
    const exited = new Promise<string>((resolve) =>
      child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`)),
    );
    return { child, logFile, exited };
  } finally {
    closeSync(fd); // the child holds its own copy
  }
};

const tail = async (file: string, lines = 15): Promise<string> =>
  (await readFile(file, 'utf8').catch(() => '')).trimEnd().split('\n').slice(-lines).join('\n');

/** Polls `url` until it answers 200; fails early, with the end of the log, if the child exits first. */
export const waitForHttpOk = async (server: ServerChild, url: string, timeoutMs: number): Promise<void> => {
  let exit: string | undefined;
  void server.exited.then((how) => (exit = how));
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (exit !== undefined) {
      throw new Error(`${url}: process exited (${exit}) before it was ready:\n${await tail(server.logFile)}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) return;
      last = `HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms (${last}); log: ${server.logFile}`);
};

/** SIGTERM (the graceful path the bridge implements), then SIGKILL if it does not exit within `graceMs`. */
export const terminate = async (server: ServerChild, graceMs: number): Promise<string> => {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return server.exited;
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), graceMs);
  try {
    return await server.exited;
  } finally {
    clearTimeout(timer);
  }
};

export interface LogSummary {
  warnings: number;
  errors: number;
  /** The first few distinct warning/error messages, to quote in notes. */
  messages: string[];
}

const PINO_WARN = 40;
const PINO_ERROR = 50;

/** Counts pino warnings and errors in a child's log; lines that are not pino JSON count as errors. */
export const summarizeLog = async (file: string): Promise<LogSummary> => {
  const summary: LogSummary = { warnings: 0, errors: 0, messages: [] };
  for (const line of (await readFile(file, 'utf8').catch(() => '')).split('\n')) {
    if (!line.trim()) continue;
    let level = PINO_ERROR;
    let message = line.slice(0, 200);
    try {
      const parsed = JSON.parse(line) as { level?: unknown; msg?: unknown; err?: unknown };
      if (typeof parsed.level === 'number') level = parsed.level;
      if (typeof parsed.msg === 'string') {
        message = typeof parsed.err === 'string' ? `${parsed.msg}: ${parsed.err}` : parsed.msg;
      }
    } catch {
      // stderr output of the runtime (a warning, a crash): keep it as an error line
    }
    if (level >= PINO_ERROR) summary.errors++;
    else if (level >= PINO_WARN) summary.warnings++;
    else continue;
    if (summary.messages.length < 5 && !summary.messages.includes(message)) summary.messages.push(message);
  }
  return summary;
};
