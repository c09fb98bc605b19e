import { groupByMessage } from './group-by-message';

describe('groupByMessage', () => {
  const messages: Record<string, { tenantId: string; genesysMessageId: string }> = {
    'wamid.a1': { tenantId: 't', genesysMessageId: 'a' },
    'wamid.a2': { tenantId: 't', genesysMessageId: 'a' }, // a second part of message a
    'wamid.b': { tenantId: 't', genesysMessageId: 'b' },
    'wamid.other-tenant': { tenantId: 'u', genesysMessageId: 'a' },
  };
  const group = (wamids: string[]) =>
    groupByMessage(
      wamids,
      (wamid) => wamid,
      (wamid) => messages[wamid],
    ).map((g) => [`${g.message.tenantId}/${g.message.genesysMessageId}`, g.statuses]);

  it('puts the parts of one message together, keeps order, and keeps tenants apart', () =>
    expect(group(['wamid.a1', 'wamid.b', 'wamid.a2', 'wamid.other-tenant', 'wamid.a1'])).toEqual([
      ['t/a', ['wamid.a1', 'wamid.a2', 'wamid.a1']],
      ['t/b', ['wamid.b']],
      ['u/a', ['wamid.other-tenant']],
    ]));

  it('leaves out wamids that belong to no known message', () => expect(group(['wamid.unknown'])).toEqual([]));
});
