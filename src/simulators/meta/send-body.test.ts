import { checkSendBody } from './send-body';

const text = { messaging_product: 'whatsapp', to: '+16505551234', type: 'text', text: { body: 'Hello' } };

describe('checkSendBody', () => {
  it('accepts a text message', () =>
    expect(checkSendBody(text)).toEqual({
      ok: true,
      send: { to: '+16505551234', type: 'text', content: { body: 'Hello' } },
    }));

  it('defaults the type to text, as Meta does', () => {
    const { type: _type, ...withoutType } = text;
    expect(checkSendBody(withoutType)).toMatchObject({ ok: true, send: { type: 'text' } });
  });

  it('keeps biz_opaque_callback_data for the status webhooks', () =>
    expect(checkSendBody({ ...text, biz_opaque_callback_data: 'genesys:abc' })).toMatchObject({
      ok: true,
      send: { bizOpaqueCallbackData: 'genesys:abc' },
    }));

  it.each(['image', 'video', 'audio', 'document', 'sticker'])('accepts %s by link and by id', (type) => {
    const byLink = { messaging_product: 'whatsapp', to: '1', type, [type]: { link: 'https://x.test/a' } };
    const byId = { messaging_product: 'whatsapp', to: '1', type, [type]: { id: '1234' } };
    expect(checkSendBody(byLink)).toMatchObject({ ok: true, send: { media: { link: 'https://x.test/a' } } });
    expect(checkSendBody(byId)).toMatchObject({ ok: true, send: { media: { id: '1234' } } });
  });

  it('accepts a template and an interactive message', () => {
    const template = { name: 'hello_world', language: { code: 'en_US' } };
    const interactive = { type: 'button', action: { buttons: [] } };
    expect(checkSendBody({ ...text, type: 'template', template }).ok).toBe(true);
    expect(checkSendBody({ ...text, type: 'interactive', interactive }).ok).toBe(true);
  });

  it.each([
    ['another messaging product', { ...text, messaging_product: 'sms' }, 'messaging_product'],
    ['no recipient', { ...text, to: undefined }, 'to'],
    ['an unknown type', { ...text, type: 'location' }, 'type'],
    ['no object for the type', { ...text, type: 'image' }, 'image'],
    ['an empty text', { ...text, text: { body: '' } }, 'text.body'],
    [
      'media with both id and link',
      { ...text, type: 'image', image: { id: '1', link: 'https://x.test/a' } },
      'image',
    ],
    ['media with neither', { ...text, type: 'image', image: { caption: 'x' } }, 'image'],
    [
      'a link that is not http(s)',
      { ...text, type: 'image', image: { link: 'file:///etc/passwd' } },
      'image',
    ],
    ['a template without language', { ...text, type: 'template', template: { name: 'x' } }, 'template'],
    [
      'callback data over 512 characters',
      { ...text, biz_opaque_callback_data: 'x'.repeat(513) },
      'biz_opaque',
    ],
    ['not an object', 'hello', 'body'],
  ])('refuses %s, naming the parameter', (_what, body, parameter) => {
    const result = checkSendBody(body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.details).toContain(parameter);
  });
});
