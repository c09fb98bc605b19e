import { Presets, SingleBar } from 'cli-progress';

/** Where a rebuild reports how far it has got; the CLI draws a bar, tests and benches stay quiet. */
export interface RebuildProgress {
  start(label: string, total: number): void;
  update(done: number, total: number): void;
  stop(): void;
}

export const silentProgress: RebuildProgress = {
  start: () => undefined,
  update: () => undefined,
  stop: () => undefined,
};

/**
 * A cli-progress bar on stderr (stdout stays for results). Off a terminal it prints a line a second instead of
 * redrawing, so logs of a rebuild run by a script still show its pace. Events per second are computed here:
 * cli-progress only knows the ETA.
 */
export const progressBar = (stream: NodeJS.WriteStream = process.stderr): RebuildProgress => {
  let bar: SingleBar | null = null;
  let startedAt = 0;
  const speed = (done: number) => {
    const seconds = (Date.now() - startedAt) / 1000;
    return seconds > 0 ? Math.round(done / seconds).toLocaleString('en-US') : '0';
  };
  return {
    start(label, total) {
      startedAt = Date.now();
      bar = new SingleBar(
        {
          format:
            '{label} [{bar}] {percentage}% | {value}/{total} events | {speed} events/s | ETA {eta_formatted}',
          stream,
          noTTYOutput: true,
          notTTYSchedule: 1000,
          etaBuffer: 50,
          hideCursor: true,
        },
        Presets.shades_classic,
      );
      bar.start(Math.max(total, 1), 0, { label, speed: '0' });
    },
    update(done, total) {
      bar?.setTotal(Math.max(total, done, 1));
      bar?.update(done, { speed: speed(done) });
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
};
