import { Writable } from 'node:stream';
import { createLogger } from './logger';

const capture = () => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
};

describe('createLogger', () => {
  it('never writes tokens, secrets or authorization headers, wherever they sit', () => {
    const { lines, stream } = capture();
    const logger = createLogger('info', stream);
    logger.info(
      {
        accessToken: 'EAAJ-top-level',
        whatsapp: { accessToken: 'EAAJ-nested' },
        tenant: { genesysWebhookSecret: 'whsec-nested', clientSecret: 'client-secret' },
        req: { headers: { authorization: 'Bearer admin-token', 'x-hub-signature-256': 'sha256=abc' } },
        headers: { authorization: 'Bearer other' },
        token: 'plain-token',
        conversationId: 'kept',
      },
      'request',
    );
    const line = lines.join('');
    for (const secret of [
      'EAAJ-top-level',
      'EAAJ-nested',
      'whsec-nested',
      'client-secret',
      'admin-token',
      'Bearer other',
      'plain-token',
    ]) {
      expect(line).not.toContain(secret);
    }
    expect(line).toContain('[redacted]');
    expect(line).toContain('kept');
  });
});
