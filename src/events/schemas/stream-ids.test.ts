import {
  customerKey,
  customerStreamId,
  parseCustomerStreamId,
  conversationStreamId,
  escapeTenantId,
  genesysMessageIdOfStream,
  outboundStreamId,
  parseConversationStreamId,
  parseOutboundStreamId,
} from './stream-ids';

// A small seeded generator: the same cases every run, many of them built from the characters that matter.
const random = (seed: number) => () => {
  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
};
const ALPHABET = ['-', '-', '%', '2', 'D', '5', 'a', 'e', 'u', '.', '_', ':', '/', ' '];
const stringOf = (next: () => number, min: number) =>
  Array.from(
    { length: min + Math.floor(next() * 8) },
    () => ALPHABET[Math.floor(next() * ALPHABET.length)],
  ).join('');

describe('stream ids', () => {
  it('names one stream per outbound Genesys message; tenants without - or % keep their ids', () => {
    expect(outboundStreamId('tenant001', 'gmsg-456')).toBe('outbound-tenant001-gmsg-456');
  });

  it('names one stream per conversation link', () => {
    expect(conversationStreamId('tenant001', 'abc-123')).toBe('conversation-tenant001-abc-123');
  });

  it('escapes - and % of the tenant id, not of the other part', () => {
    expect(outboundStreamId('tenant-001', 'gmsg-456')).toBe('outbound-tenant%2D001-gmsg-456');
    expect(conversationStreamId('a%2Db', 'c-%')).toBe('conversation-a%252Db-c-%');
    expect(escapeTenantId('100%-x')).toBe('100%25%2Dx');
  });

  it('gives tenants demo and demo-eu with messages eu-m1 and m1 two streams', () => {
    expect(outboundStreamId('demo', 'eu-m1')).toBe('outbound-demo-eu-m1');
    expect(outboundStreamId('demo-eu', 'm1')).toBe('outbound-demo%2Deu-m1');
    expect(parseOutboundStreamId('outbound-demo-eu-m1')).toEqual({ tenantId: 'demo', genesysMessageId: 'eu-m1' });
    expect(parseOutboundStreamId('outbound-demo%2Deu-m1')).toEqual({
      tenantId: 'demo-eu',
      genesysMessageId: 'm1',
    });
  });

  it('refuses an empty part rather than merging unrelated streams', () => {
    expect(() => outboundStreamId('', 'gmsg-456')).toThrow(/tenantId/);
    expect(() => conversationStreamId('tenant-001', '')).toThrow(/conversationId/);
  });

  it('parses only what it builds', () => {
    for (const notOurs of [
      'outbound-',
      'outbound--m1',
      'outbound-t-',
      'outbound-t',
      'outbound-a%2Xb-m1',
      'outbound-a%-m1',
      'conversation-t-c',
      'meta-webhook-abc',
    ]) {
      expect(parseOutboundStreamId(notOurs)).toBeUndefined();
    }
    expect(parseConversationStreamId('outbound-t-m')).toBeUndefined();
  });

  it('property: parse(build(tenant, id)) gives back both parts, and distinct pairs never share a stream', () => {
    const next = random(20_240_501);
    const seen = new Map<string, string>();
    for (let i = 0; i < 5000; i += 1) {
      const tenantId = stringOf(next, 1);
      const second = stringOf(next, 1);
      const outbound = outboundStreamId(tenantId, second);
      expect(parseOutboundStreamId(outbound)).toEqual({ tenantId, genesysMessageId: second });
      expect(parseConversationStreamId(conversationStreamId(tenantId, second))).toEqual({
        tenantId,
        conversationId: second,
      });
      const pair = JSON.stringify([tenantId, second]);
      expect(seen.get(outbound) ?? pair).toBe(pair);
      seen.set(outbound, pair);
    }
    expect(seen.size).toBeGreaterThan(4000);
  });

  describe('genesysMessageIdOfStream', () => {
    it('reads the message of a stream of the event tenant', () => {
      expect(genesysMessageIdOfStream({ streamId: 'outbound-demo%2Deu-m1', tenantId: 'demo-eu' })).toBe('m1');
      expect(genesysMessageIdOfStream({ streamId: 'outbound-demo-eu-m1', tenantId: 'demo' })).toBe('eu-m1');
    });

    it('reads an event relayed before migration 006 (unescaped tenant with a -) by its own tenant', () => {
      expect(genesysMessageIdOfStream({ streamId: 'outbound-demo-eu-m1', tenantId: 'demo-eu' })).toBe('m1');
    });

    it('refuses a stream of another tenant or family', () => {
      expect(() => genesysMessageIdOfStream({ streamId: 'outbound-other-m1', tenantId: 'demo' })).toThrow(
        /not an outbound stream of tenant demo/,
      );
      expect(() => genesysMessageIdOfStream({ streamId: 'conversation-demo-c', tenantId: 'demo' })).toThrow();
      expect(() => genesysMessageIdOfStream({ streamId: 'outbound-demo-eu-', tenantId: 'demo-eu' })).toThrow();
    });
  });

  describe('customer streams', () => {
    it('keeps a wa_id and a business-scoped id apart, and escapes tenant and phone number id', () => {
      expect(customerKey({ waId: '+16505551234' })).toBe('wa.16505551234');
      expect(customerKey({ waId: '', userId: 'US.1349' })).toBe('bsu.US.1349');
      expect(customerStreamId('demo-eu', '1065-40', 'wa.1')).toBe('customer-demo%2Deu-1065%2D40-wa.1');
      expect(() => customerKey({})).toThrow(TypeError);
    });

    it('parses only what it builds', () => {
      const id = customerStreamId('demo-eu', '106540352242922', 'bsu.US-1-2');
      expect(parseCustomerStreamId(id)).toEqual({
        tenantId: 'demo-eu',
        phoneNumberId: '106540352242922',
        customerKey: 'bsu.US-1-2',
      });
      expect(parseCustomerStreamId('customer-demo-106540352242922-x.1')).toBeUndefined();
      expect(parseCustomerStreamId('conversation-demo-abc')).toBeUndefined();
    });
  });
});
