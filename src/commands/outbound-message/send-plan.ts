/**
 * What an outbound message becomes at Meta: its parts, planned from the webhook's content, the stored media and the
 * tenant's settings. Pure, so the workflow plans the same parts on every pass and after a restart (a retry must
 * number its parts as the first attempt did).
 */
import type { ServiceWindow } from '../../events/schemas/service-window';
import type { OutboundContent, Recipient } from '../../transform/outbound-content';
import { toMetaMessages } from '../../transform/to-meta-messages';
import type { TransformResult } from '../../transform/transform-result';
import type { OutboundView } from './outbound-view';

/** What the workflow needs to know of the tenant: looked up by the executor, once per run. */
export interface SendTenant {
  /** `upload`: the media went to Meta and is sent by id; `link`: Meta fetches the presigned URL. */
  mediaMode: 'link' | 'upload';
  templateDefaults?: { name?: string; languageCode?: string };
}

export const hasDefaultTemplate = (tenant: SendTenant): boolean =>
  Boolean(tenant.templateDefaults?.name && tenant.templateDefaults.languageCode);

/** Outside the window, the tenant's default template (name and language, no parameters) replaces the message. */
const DEFAULT_TEMPLATE_CONTENT: OutboundContent = {
  messageType: 'Notification',
  isSendable: true,
  attachments: [],
  template: { headerParameters: [], bodyParameters: [] },
};

export const planSend = (
  content: OutboundContent | undefined,
  view: OutboundView,
  recipient: Recipient,
  tenant: SendTenant,
  window: ServiceWindow,
): TransformResult => {
  const options = {
    bizOpaqueCallbackData: view.webhook.genesysMessageId,
    ...(tenant.templateDefaults ? { templateDefaults: tenant.templateDefaults } : {}),
  };
  if (window.outcome === 'defaultTemplate') {
    const planned = toMetaMessages(DEFAULT_TEMPLATE_CONTENT, recipient, undefined, options);
    if (!planned.ok) return planned;
    const note = 'outside the 24-hour window: the tenant default template was sent instead of the message';
    return { ...planned, notes: [note, ...planned.notes] };
  }
  if (!content)
    return { ok: false, reason: 'UnsupportedContent', message: 'The stored webhook no longer parses' };
  const media = view.media;
  return toMetaMessages(
    content,
    recipient,
    media
      ? {
          kind: media.mediaKind,
          ...(tenant.mediaMode === 'upload' && media.metaMediaId
            ? { mediaId: media.metaMediaId }
            : { link: media.url }),
          ...(media.filename ? { filename: media.filename } : {}),
        }
      : undefined,
    options,
  );
};
