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
      const text = data.content?.text;
      const template = data.content?.template;
      return {
        messageType: data.messageType,
        isSendable: data.isSendable,
        ...(text !== undefined ? { text: truncate(text) } : {}),
        ...(data.attachment
          ? {
              attachment: {
                mediaType: data.attachment.mediaType,
                filename: data.attachment.filename,
                mime: data.attachment.mime,
              },
            }
          : {}),
        // The template's name is the part of its `namespace@name` id after the `@`.
        ...(template ? { template: template.id?.split('@').pop() ?? '(unnamed)' } : {}),
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
