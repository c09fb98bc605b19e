import type { DecodedEvent } from '../events/decode';

const truncate = (text: string, max = 200) => (text.length > max ? `${text.slice(0, max)}…` : text);

/**
 * The part of an event an auditor reads: what happened, without the raw body (kept in the store, checked
 * separately) and without anything secret (events hold none, and this never adds any).
 */
export const summarizeEvent = (event: DecodedEvent): Record<string, unknown> => {
  switch (event.type) {
    case 'WebhookReceived': {
      const { data } = event;
      return {
        messageType: data.messageType,
        isSendable: data.isSendable,
        ...(data.textPreview !== undefined ? { text: truncate(data.textPreview) } : {}),
        ...(data.attachment
          ? {
              attachment: {
                mediaType: data.attachment.mediaType,
                filename: data.attachment.filename,
                mime: data.attachment.mime,
              },
            }
          : {}),
        ...(data.template ? { template: data.template.name ?? data.template.id ?? '(unnamed)' } : {}),
        customerId: data.customerId,
      };
    }
    case 'MediaStored':
      return {
        mediaKind: event.data.mediaKind,
        mime: event.data.mime,
        sizeBytes: event.data.sizeBytes,
        objectKey: event.data.objectKey,
      };
    default: {
      const { rawBody: _raw, signature: _signature, ...rest } = event.data as Record<string, unknown>;
      return rest;
    }
  }
};
