import { createHmac } from 'node:crypto';
import { readFixture } from '../common/fixtures';
import { signMetaWebhook } from '../meta/status-webhook';
import { signGenesysWebhook } from './genesys-webhook';

const secret = 'genesys-integration-secret';

describe('signGenesysWebhook', () => {
  it('signs the raw bytes with a BASE64 HMAC-SHA256, prefixed sha256=', () => {
    const body = readFixture('genesys/outbound-text.json');
    const expected = `sha256=${createHmac('sha256', secret).update(body).digest('base64')}`;
    expect(signGenesysWebhook(secret, body)).toBe(expected);
  });

  it('signs a string exactly like its UTF-8 bytes', () =>
    expect(signGenesysWebhook(secret, '{"text":"olá"}')).toBe(
      signGenesysWebhook(secret, Buffer.from('{"text":"olá"}', 'utf8')),
    ));

  it('differs from the Meta signature (HEX) for the same secret and body', () => {
    const body = readFixture('genesys/outbound-attachment-image.json');
    const genesys = signGenesysWebhook(secret, body);
    const meta = signMetaWebhook(secret, body);
    expect(genesys).not.toBe(meta);
    const digest = createHmac('sha256', secret).update(body).digest();
    expect(Buffer.from(genesys.slice('sha256='.length), 'base64').equals(digest)).toBe(true);
    expect(Buffer.from(meta.slice('sha256='.length), 'hex').equals(digest)).toBe(true);
  });

  it('changes when a single byte of the body changes (the TABs of the fixture included)', () => {
    const body = readFixture('genesys/inbound-message-text-request.json');
    const altered = Buffer.from(body.toString('utf8').replace('\t', '  '), 'utf8');
    expect(signGenesysWebhook(secret, altered)).not.toBe(signGenesysWebhook(secret, body));
  });
});
