import { withoutSecrets } from './redact';

describe('withoutSecrets', () => {
  it('replaces every occurrence of every secret', () =>
    expect(withoutSecrets('token abc123 and abc123 and s3cr3t', ['abc123', 's3cr3t'])).toBe(
      'token [redacted] and [redacted] and [redacted]',
    ));

  it('leaves text without secrets alone, and ignores strings too short to be secrets', () =>
    expect(withoutSecrets('a plain message', ['', 'a'])).toBe('a plain message'));
});
