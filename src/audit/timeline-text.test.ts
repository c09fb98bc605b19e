import type { ConversationAudit } from './conversation-audit';
import { formatTimeline } from './timeline-text';

const audit = (mapping: ConversationAudit['mapping']): ConversationAudit => ({
  tenantId: 'tenant-001',
  conversationId: 'abc-123',
  mapping,
  messages: [],
  events: [],
});

describe('formatTimeline: the mapping line', () => {
  it('names the customer by wa_id when the link has one', () => {
    const text = formatTimeline(
      audit({ waId: '919876543210', userId: 'US.1', linkedAt: '2026-12-06T06:00:00Z' }),
    );
    expect(text).toContain('  mapped to WhatsApp 919876543210 since 2026-12-06T06:00:00Z');
  });

  it('names a customer known only by a business-scoped user id by that id', () => {
    const text = formatTimeline(
      audit({ userId: 'US.13491208655302741918', contactName: '@sheena', linkedAt: '2026-12-06T06:00:00Z' }),
    );
    expect(text).toContain(
      '  mapped to WhatsApp user US.13491208655302741918 (@sheena) since 2026-12-06T06:00:00Z',
    );
  });

  it('says when there is no mapping', () => {
    expect(formatTimeline(audit(null))).toContain('  no WhatsApp mapping');
  });
});
