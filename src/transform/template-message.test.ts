import type { OutboundContent, OutboundTemplate } from './outbound-content';
import { metaLanguageCode, templateNameFromId } from './template-message';
import { toMetaMessages } from './to-meta-messages';

const WA = { waId: '15550100199' };
const to = { messaging_product: 'whatsapp', recipient_type: 'individual', to: '+15550100199' } as const;

const withTemplate = (
  template: Partial<OutboundTemplate>,
  extra: Partial<OutboundContent> = {},
): OutboundContent => ({
  messageType: 'Structured',
  isSendable: true,
  attachments: [],
  template: { headerParameters: [], bodyParameters: [], ...template },
  ...extra,
});

describe('templates', () => {
  it('takes the name from "namespace@name" and the language from the template', () => {
    const result = toMetaMessages(
      withTemplate({
        id: 'a1b2c3_namespace@order_update',
        language: 'pt-BR',
        headerParameters: [{ text: '#42' }],
        bodyParameters: [{ text: 'Ana' }, { text: 'amanhã' }],
      }),
      WA,
    );
    expect(result).toEqual({
      ok: true,
      messages: [
        {
          ...to,
          type: 'template',
          template: {
            name: 'order_update',
            language: { code: 'pt_BR' },
            components: [
              { type: 'header', parameters: [{ type: 'text', text: '#42' }] },
              {
                type: 'body',
                parameters: [
                  { type: 'text', text: 'Ana' },
                  { type: 'text', text: 'amanhã' },
                ],
              },
            ],
          },
        },
      ],
      notes: [],
    });
  });

  it('prefers the template id and language over the tenant defaults', () => {
    const result = toMetaMessages(withTemplate({ id: 'welcome', language: 'en' }), WA, undefined, {
      templateDefaults: { name: 'fallback', languageCode: 'fr' },
    });
    expect(result.ok && result.messages[0]).toMatchObject({
      template: { name: 'welcome', language: { code: 'en' } },
    });
    expect(result.ok && result.messages[0]).not.toHaveProperty('template.components');
  });

  it('fails TemplateNameMissing without an id or a default, and for an id with an empty name', () => {
    expect(toMetaMessages(withTemplate({ language: 'en' }), WA)).toEqual({
      ok: false,
      reason: 'TemplateNameMissing',
      message: 'the Notification template has no id and the tenant has no default template',
    });
    expect(toMetaMessages(withTemplate({ id: 'namespace@', language: 'en' }), WA)).toMatchObject({
      reason: 'TemplateNameMissing',
    });
  });

  it('fails TemplateLanguageMissing without a language or a default; a default is noted', () => {
    expect(toMetaMessages(withTemplate({ id: 'ns@t' }), WA)).toEqual({
      ok: false,
      reason: 'TemplateLanguageMissing',
      message: 'the Notification template has no language and the tenant has no default template language',
    });
    expect(
      toMetaMessages(withTemplate({ id: 'ns@t', language: ' ' }), WA, undefined, {
        templateDefaults: { name: 'x' },
      }),
    ).toMatchObject({ reason: 'TemplateLanguageMissing' });
    const defaulted = toMetaMessages(withTemplate({ id: 'ns@t' }), WA, undefined, {
      templateDefaults: { languageCode: 'en_GB' },
    });
    expect(defaulted).toMatchObject({
      ok: true,
      messages: [{ template: { name: 't', language: { code: 'en_GB' } } }],
      notes: ['template language "en_GB" is the tenant default'],
    });
  });

  it('refuses a media header (it would have to be stored first)', () => {
    const result = toMetaMessages(
      withTemplate({
        id: 'ns@t',
        language: 'en',
        headerMedia: { mediaType: 'Image', url: 'https://dl.test/h.png' },
      }),
      WA,
    );
    expect(result).toEqual({
      ok: false,
      reason: 'UnsupportedContent',
      message: 'templates with a media header are not supported yet',
    });
  });

  it('sends a template alone: anything beside it is refused, not dropped', () => {
    const result = toMetaMessages(
      withTemplate(
        { id: 'ns@t', language: 'en' },
        {
          attachments: [{ mediaType: 'Image', url: 'https://dl.test/a.png' }],
          quickReplies: [{ text: 'Yes' }],
        },
      ),
      WA,
    );
    expect(result).toEqual({
      ok: false,
      reason: 'UnsupportedContent',
      message: 'a template is sent on its own, but this message also has attachments, quick replies',
    });
  });
});

describe('template naming helpers', () => {
  it.each([
    ['namespace@name', 'name'],
    ['a@b@c', 'c'],
    ['plain_name', 'plain_name'],
  ])('templateNameFromId(%j) = %j', (id, name) => {
    expect(templateNameFromId(id)).toBe(name);
  });

  it.each([
    ['en-US', 'en_US'],
    ['en_us', 'en_US'],
    ['EN', 'en'],
    [' pt-br ', 'pt_BR'],
    ['zh-Hant-TW', 'zh_Hant_TW'],
  ])('metaLanguageCode(%j) = %j', (language, code) => {
    expect(metaLanguageCode(language)).toBe(code);
  });
});
