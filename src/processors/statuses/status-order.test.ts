import type { MetaStatusRecord } from '../../events/schemas/meta-webhook-received';
import { inApplyOrder } from './status-order';

const status = (status: string, timestamp: string, wamid = 'wamid.a'): MetaStatusRecord => ({
  wamid,
  status,
  isIgnored: !['sent', 'delivered', 'read', 'failed'].includes(status),
  timestamp,
  phoneNumberId: '106540352242922',
});

const order = (records: MetaStatusRecord[]) => inApplyOrder(records).map((r) => `${r.status}@${r.timestamp}`);

describe('inApplyOrder', () => {
  it("orders by Meta's time, not by arrival", () =>
    expect(order([status('read', '30'), status('sent', '10'), status('delivered', '20')])).toEqual([
      'sent@10',
      'delivered@20',
      'read@30',
    ]));

  it('puts delivered before read within the same second (Meta often stamps both alike)', () =>
    expect(order([status('read', '10'), status('delivered', '10'), status('sent', '10')])).toEqual([
      'sent@10',
      'delivered@10',
      'read@10',
    ]));

  it('compares times as numbers, not as text', () =>
    expect(order([status('delivered', '100'), status('sent', '99')])).toEqual(['sent@99', 'delivered@100']));

  it('keeps duplicates and the order of otherwise equal statuses, and leaves the input alone', () => {
    const input = [
      status('sent', '5', 'wamid.b'),
      status('sent', '5', 'wamid.a'),
      status('sent', '5', 'wamid.b'),
    ];
    expect(inApplyOrder(input).map((r) => r.wamid)).toEqual(['wamid.b', 'wamid.a', 'wamid.b']);
    expect(input.map((r) => r.wamid)).toEqual(['wamid.b', 'wamid.a', 'wamid.b']);
  });

  it('puts statuses it does not know after the known ones of the same second', () =>
    expect(order([status('deleted', '7'), status('failed', '7')])).toEqual(['failed@7', 'deleted@7']));
});
