import type { DecodedEvent } from '../../events/decode';
import { toWaves, type RowEvent } from './apply-waves';
import type { TableHandler } from './table-targets';

const handler = (absorb?: TableHandler['absorb']): TableHandler => ({
  applyMany: async () => undefined,
  rowKey: () => '',
  ...(absorb ? { absorb } : {}),
});
const sent = handler();
const read = handler();
const touched = handler((earlier, later) =>
  later.envelope.occurredAt > earlier.envelope.occurredAt ? later : earlier,
);

const item = (h: TableHandler, key: string, id: string, occurredAt = '2026-01-01T00:00:00Z'): RowEvent => ({
  event: { type: id, envelope: { occurredAt } } as unknown as DecodedEvent,
  handler: h,
  key,
});
const ids = (waves: ReturnType<typeof toWaves>) =>
  waves.map((wave) =>
    [...wave].map(([h, events]) => [
      h === sent ? 'sent' : h === read ? 'read' : 'touched',
      events.map((e) => e.type),
    ]),
  );

describe('toWaves', () => {
  it('puts the n-th event of a row in the n-th wave, keeping commit order within a row', () => {
    const waves = toWaves([
      item(sent, 'a', 'a1'),
      item(sent, 'b', 'b1'),
      item(read, 'a', 'a2'),
      item(read, 'b', 'b2'),
      item(read, 'a', 'a3'),
    ]);
    expect(ids(waves)).toEqual([[['sent', ['a1', 'b1']]], [['read', ['a2', 'b2']]], [['read', ['a3']]]]);
  });

  it('never holds two events of one row in a wave, whatever their types', () => {
    const events = Array.from({ length: 50 }, (_, index) =>
      item(index % 2 ? sent : read, `row${index % 3}`, `e${index}`),
    );
    for (const wave of toWaves(events)) {
      const keys = [...wave.values()].flat().map((event) => events.find((e) => e.event === event)!.key);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  it('collapses a run of absorbable events on one row, and only a run', () => {
    const waves = toWaves([
      item(touched, 'c', 't1', '2026-01-01T00:00:05Z'),
      item(touched, 'c', 't2', '2026-01-01T00:00:09Z'),
      item(touched, 'c', 't3', '2026-01-01T00:00:01Z'),
      item(sent, 'c', 's1'),
      item(touched, 'c', 't4'),
    ]);
    expect(ids(waves)).toEqual([[['touched', ['t2']]], [['sent', ['s1']]], [['touched', ['t4']]]]);
  });
});
