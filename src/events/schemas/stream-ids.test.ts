import { conversationStreamId, outboundStreamId } from './stream-ids';

describe('stream ids', () => {
  it('names one stream per outbound Genesys message', () => {
    expect(outboundStreamId('tenant-001', 'gmsg-456')).toBe('outbound-tenant-001-gmsg-456');
  });

  it('names one stream per conversation link', () => {
    expect(conversationStreamId('tenant-001', 'abc-123')).toBe('conversation-tenant-001-abc-123');
  });

  it('refuses an empty part rather than merging unrelated streams', () => {
    expect(() => outboundStreamId('', 'gmsg-456')).toThrow(/tenantId/);
    expect(() => conversationStreamId('tenant-001', '')).toThrow(/conversationId/);
  });
});
