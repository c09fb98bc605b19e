import type { MetaMessageBody as ClientMessageBody } from '../clients/meta';
import type { MetaMessageBody } from './meta-message';
import { genesysFixtureSummary } from './testing/genesys-fixtures';
import { toMetaMessages } from './to-meta-messages';

const WA_ID = '919876543210';
const envelope = (genesysMessageId: string) => ({
  messaging_product: 'whatsapp',
  recipient_type: 'individual',
  to: '+919876543210',
  biz_opaque_callback_data: genesysMessageId,
});
const PRESIGNED =
  'https://media.example.com/media-outbound/t1/outbound/images/2026-03-25/a.png?X-Amz-Expires=86400';

/** Every body we build must also be a body the Meta client accepts (checked by the compiler). */
const asClientBody = (body: MetaMessageBody): ClientMessageBody => body;

describe('toMetaMessages on the shared Genesys fixtures', () => {
  it('outbound-text.json → one text message', () => {
    const summary = genesysFixtureSummary('outbound-text.json');
    const result = toMetaMessages(summary, { waId: WA_ID }, undefined, {
      bizOpaqueCallbackData: summary.genesysMessageId,
    });
    expect(result).toEqual({
      ok: true,
      messages: [
        {
          ...envelope('c327c2078ca056db130c55ce648d9fa2'),
          type: 'text',
          text: { preview_url: false, body: 'Hello World' },
        },
      ],
      notes: [],
    });
    if (result.ok) expect(result.messages.map(asClientBody)).toHaveLength(1);
  });

  it('outbound-attachment-image.json (type Text, no text) → one image by link, no caption', () => {
    const summary = genesysFixtureSummary('outbound-attachment-image.json');
    const result = toMetaMessages(
      summary,
      { waId: '33633081329' },
      { kind: 'image', link: PRESIGNED },
      { bizOpaqueCallbackData: summary.genesysMessageId },
    );
    expect(result).toEqual({
      ok: true,
      messages: [
        {
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: '+33633081329',
          biz_opaque_callback_data: '8085cbb3f778c34de0bd14c5318ec44c',
          type: 'image',
          image: { link: PRESIGNED },
        },
      ],
      notes: ['file name Header_Genesys.png is not shown: WhatsApp image messages have no file name'],
    });
  });

  it('outbound-attachment-image.json by Meta media id', () => {
    const result = toMetaMessages(
      genesysFixtureSummary('outbound-attachment-image.json'),
      { waId: WA_ID },
      {
        kind: 'image',
        mediaId: '1037543291543636',
      },
    );
    expect(result.ok && result.messages).toEqual([
      {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: '+919876543210',
        type: 'image',
        image: { id: '1037543291543636' },
      },
    ]);
  });

  it('outbound-attachment-document.json → a document named file.pdf', () => {
    const summary = genesysFixtureSummary('outbound-attachment-document.json');
    const link = 'https://media.example.com/media-outbound/t1/outbound/documents/2021-02-01/b.pdf';
    const result = toMetaMessages(
      summary,
      { waId: WA_ID },
      { kind: 'document', link },
      {
        bizOpaqueCallbackData: summary.genesysMessageId,
      },
    );
    expect(result).toEqual({
      ok: true,
      messages: [
        {
          ...envelope('c327c2078ca056db130c55ce648d9fa2'),
          type: 'document',
          document: { link, filename: 'file.pdf' },
        },
      ],
      notes: [],
    });
  });

  it('outbound-attachment-document.json without stored media → MediaNotStored', () => {
    const result = toMetaMessages(genesysFixtureSummary('outbound-attachment-document.json'), {
      waId: WA_ID,
    });
    expect(result).toMatchObject({ ok: false, reason: 'MediaNotStored' });
  });

  it('outbound-structured-notification.json → a template, name and language from the tenant defaults', () => {
    const summary = genesysFixtureSummary('outbound-structured-notification.json');
    const result = toMetaMessages(summary, { waId: WA_ID }, undefined, {
      bizOpaqueCallbackData: summary.genesysMessageId,
      templateDefaults: { name: 'agent_greeting', languageCode: 'en-US' },
    });
    expect(result).toEqual({
      ok: true,
      messages: [
        {
          ...envelope('c327c2078ca056db130c55ce648d9fa2'),
          type: 'template',
          template: {
            name: 'agent_greeting',
            language: { code: 'en_US' },
            components: [{ type: 'body', parameters: [{ type: 'text', text: 'Happy' }] }],
          },
        },
      ],
      notes: [
        'template name "agent_greeting" is the tenant default: the Notification carried no id',
        'template language "en-US" is the tenant default',
        'template parameters are sent by position; their names are not sent: name',
        'template header, body, footer text is not sent: Meta renders the approved template',
        'the message text is not sent separately: the template carries the message',
      ],
    });
  });

  it('outbound-structured-notification.json without tenant defaults → TemplateNameMissing', () => {
    const result = toMetaMessages(genesysFixtureSummary('outbound-structured-notification.json'), {
      waId: WA_ID,
    });
    expect(result).toMatchObject({ ok: false, reason: 'TemplateNameMissing' });
  });

  it('outbound-event-typing.json → not sendable', () => {
    const result = toMetaMessages(genesysFixtureSummary('outbound-event-typing.json'), { waId: WA_ID });
    expect(result).toEqual({
      ok: false,
      reason: 'NotSendable',
      message: 'Event messages are recorded, never sent to WhatsApp',
    });
  });

  it('inbound-receipt-request-failed.json (parsed as an outbound Receipt) → not sendable', () => {
    const result = toMetaMessages(genesysFixtureSummary('inbound-receipt-request-failed.json'), {
      waId: WA_ID,
    });
    expect(result).toMatchObject({ ok: false, reason: 'NotSendable' });
  });
});
