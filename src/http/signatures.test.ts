import { createHmac } from 'node:crypto';
import { readFixture } from '../simulators/common/fixtures';
import {
  genesysSignature,
  genesysSignatureDigest,
  isValidGenesysSignature,
  isValidMetaSignature,
  matchesGenesysDigest,
  metaSignature,
} from './signatures';

const fixture = readFixture;
const body = fixture('genesys/outbound-text.json');
const secret = 'integration-secret';

describe('Genesys webhook signatures (base64)', () => {
  it('accepts the base64 HMAC of the exact raw bytes', () => {
    const expected = createHmac('sha256', secret).update(body).digest('base64');
    expect(genesysSignature(secret, body)).toBe(`sha256=${expected}`);
    expect(isValidGenesysSignature(secret, body, `sha256=${expected}`)).toBe(true);
  });

  it('rejects the hex digest of the same HMAC', () => {
    const hex = createHmac('sha256', secret).update(body).digest('hex');
    expect(isValidGenesysSignature(secret, body, `sha256=${hex}`)).toBe(false);
  });

  it('rejects a wrong secret, an altered body, a missing header and a bare digest', () => {
    const header = genesysSignature(secret, body);
    expect(isValidGenesysSignature('other-secret', body, header)).toBe(false);
    expect(isValidGenesysSignature(secret, Buffer.concat([body, Buffer.from(' ')]), header)).toBe(false);
    expect(isValidGenesysSignature(secret, body, undefined)).toBe(false);
    expect(isValidGenesysSignature(secret, body, header.replace('sha256=', ''))).toBe(false);
  });

  it('parses only sha256=<base64 of 32 bytes> headers, so anything else is refused before a lookup', () => {
    const header = genesysSignature(secret, body);
    const digest = genesysSignatureDigest(header);
    expect(digest).toHaveLength(32);
    expect(matchesGenesysDigest(secret, body, digest!)).toBe(true);
    expect(matchesGenesysDigest('other-secret', body, digest!)).toBe(false);
    const hex = createHmac('sha256', secret).update(body).digest('hex');
    for (const wrong of [
      undefined,
      '',
      'sha256=',
      `sha256=${hex}`,
      header.slice(0, -2),
      `sha1=${header.slice(7)}`,
    ])
      expect(genesysSignatureDigest(wrong)).toBeUndefined();
  });
});

describe('Meta webhook signatures (hex)', () => {
  const metaBody = fixture('meta/status-delivered.json');

  it('accepts the hex HMAC of the raw bytes, including non-ASCII payloads', () => {
    const accented = Buffer.from('{"name":"José 🎉"}');
    for (const raw of [metaBody, accented]) {
      const hex = createHmac('sha256', 'app-secret').update(raw).digest('hex');
      expect(metaSignature('app-secret', raw)).toBe(`sha256=${hex}`);
      expect(isValidMetaSignature('app-secret', raw, `sha256=${hex}`)).toBe(true);
      expect(isValidMetaSignature('app-secret', raw, `sha256=${hex.toUpperCase()}`)).toBe(true);
    }
  });

  it('rejects the base64 encoding of the same HMAC', () => {
    const base64 = createHmac('sha256', 'app-secret').update(metaBody).digest('base64');
    expect(isValidMetaSignature('app-secret', metaBody, `sha256=${base64}`)).toBe(false);
  });
});
