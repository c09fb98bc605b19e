import { failureReason, MAPPING_MISSING_REASON } from './receipt-reasons';

describe('failureReason', () => {
  it.each([
    [131047, 'MessageExpired'],
    [130429, 'RateLimited'],
    [131056, 'RateLimited'],
    [131026, 'InvalidDestination'],
    [131051, 'UnsupportedMessage'],
    [131053, 'MediaTypeNotAllowed'],
    [131049, 'GeneralError'],
    [131000, 'GeneralError'],
  ])('maps Meta error %i to %s', (metaErrorCode, reason) =>
    expect(failureReason({ reason: 'MetaDeliveryFailed', metaErrorCode })).toBe(reason),
  );

  it("prefers Meta's code to the bridge's reason", () =>
    expect(failureReason({ reason: 'MediaTooLarge', metaErrorCode: 131047 })).toBe('MessageExpired'));

  it.each([
    ['InvalidRecipient', 'InvalidDestination'],
    ['UnsupportedMediaType', 'MediaTypeNotAllowed'],
    ['MediaTooLarge', 'InvalidMediaContentLength'],
    ['UnsupportedContent', 'UnsupportedMessage'],
    ['TemplateNameMissing', 'InvalidMessageStructure'],
    ['TenantCredentialsMissing', 'GeneralError'],
    ['RetriesExhausted', 'GeneralError'],
    ['ProcessingFailed', 'ServerError'],
  ])("maps the bridge's %s to %s when Meta gave no code", (reason, expected) =>
    expect(failureReason({ reason })).toBe(expected),
  );

  it('reports a missing WhatsApp mapping as an invalid destination', () =>
    expect(MAPPING_MISSING_REASON).toBe('InvalidDestination'));
});
