import type { Logger } from './logger';
import { OutageLog } from './outage-log';

const recordingLogger = () => {
  const lines: Array<{ level: string; fields: Record<string, unknown>; message: string }> = [];
  const at =
    (level: string) =>
    (fields: Record<string, unknown>, message: string): void => {
      lines.push({ level, fields, message });
    };
  const logger = { error: at('error'), warn: at('warn'), info: at('info') } as unknown as Logger;
  return { logger, lines };
};

describe('OutageLog', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => {
    clock = 1_000_000;
  });

  it('logs an outage once when it starts, every interval while it lasts, and once when it ends', () => {
    const { logger, lines } = recordingLogger();
    const outage = new OutageLog({ dependency: 'kafka', logger, reportEveryMs: 30_000, now });
    // Two minutes of reconnect attempts every 300 ms: 400 failures.
    for (let i = 0; i < 400; i++) {
      outage.failure('connect ECONNREFUSED 127.0.0.1:9092');
      clock += 300;
    }
    outage.recovered();
    expect(lines.map((line) => line.message)).toEqual([
      'kafka unreachable: outage started',
      'kafka still unreachable',
      'kafka still unreachable',
      'kafka still unreachable',
      'kafka reachable again: outage over after 120 s',
    ]);
    expect(lines[0]).toMatchObject({
      level: 'error',
      fields: { err: 'connect ECONNREFUSED 127.0.0.1:9092' },
    });
    expect(lines[1]!.fields).toMatchObject({ downForMs: 30_000, failures: 101 });
    expect(lines[4]).toMatchObject({ level: 'warn', fields: { downForMs: 120_000, failures: 400 } });
  });

  it('says nothing on success when nothing was down, and counts a new outage from one', () => {
    const { logger, lines } = recordingLogger();
    const outage = new OutageLog({ dependency: 'redis', logger, now });
    outage.recovered();
    expect(lines).toEqual([]);
    outage.failure('a');
    clock += 5_000;
    outage.recovered();
    outage.failure('b');
    expect(outage.isDown).toBe(true);
    expect(lines.map((line) => line.message)).toEqual([
      'redis unreachable: outage started',
      'redis reachable again: outage over after 5 s',
      'redis unreachable: outage started',
    ]);
    expect(lines[2]!.fields).toMatchObject({ err: 'b' });
  });

  it('names the state in its own words for work that fails transiently whatever the cause', () => {
    const { logger, lines } = recordingLogger();
    const outage = new OutageLog({
      dependency: 'processor.statuses',
      logger,
      reportEveryMs: 30_000,
      now,
      wording: { down: 'failing transiently, retrying', up: 'working again' },
    });
    outage.failure('timeout exceeded when trying to connect');
    clock += 30_000;
    outage.failure('timeout exceeded when trying to connect');
    outage.recovered();
    expect(lines.map((line) => line.message)).toEqual([
      'processor.statuses failing transiently, retrying: outage started',
      'processor.statuses still failing transiently, retrying',
      'processor.statuses working again: outage over after 30 s',
    ]);
  });

  describe('with a quiet period (no success signal)', () => {
    beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
    afterEach(() => jest.useRealTimers());

    it('ends the outage once failures stop for the quiet period, dated to the last failure', () => {
      const { logger, lines } = recordingLogger();
      const outage = new OutageLog({ dependency: 'kafka', logger, quietMs: 20_000 });
      outage.failure('x');
      jest.advanceTimersByTime(10_000);
      outage.failure('x');
      jest.advanceTimersByTime(19_999);
      expect(outage.isDown).toBe(true);
      jest.advanceTimersByTime(1);
      expect(outage.isDown).toBe(false);
      expect(lines.at(-1)).toMatchObject({
        message: 'kafka reachable again: outage over after 10 s',
        fields: { downForMs: 10_000, failures: 2 },
      });
    });
  });
});
