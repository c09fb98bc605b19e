import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fixturePath as pathOf, readFixture } from '../common/fixtures';
import { runSendWebhook, sendWebhookUsage } from './send-webhook-cli';

const fixturePath = pathOf('genesys/outbound-text.json');
const secret = 'sandbox-webhook-secret';
let receiver: Server;
let url: string;
let answerStatus = 200;
const received: { body: Buffer; signature: string | undefined }[] = [];

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        body: Buffer.concat(chunks),
        signature: request.headers['x-hub-signature-256'] as string,
      });
      response.writeHead(answerStatus, { 'content-type': 'application/json' }).end('{"accepted":true}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhook/genesys`;
});
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

describe('send-webhook command', () => {
  it('sends the file byte for byte, signed with the secret from the environment', async () => {
    let output = '';
    const code = await runSendWebhook([url, fixturePath], { GENESYS_WEBHOOK_SECRET: secret }, (text) => {
      output += text;
    });
    const fixture = readFixture('genesys/outbound-text.json');
    expect(code).toBe(0);
    expect(output).toBe('HTTP 200\n{"accepted":true}\n');
    expect(received.at(-1)!.body.equals(fixture)).toBe(true);
    expect(received.at(-1)!.signature).toBe(
      `sha256=${createHmac('sha256', secret).update(fixture).digest('base64')}`,
    );
  });

  it('exits 1 when the bridge refuses the webhook', async () => {
    answerStatus = 401;
    const code = await runSendWebhook(
      [url, fixturePath],
      { GENESYS_WEBHOOK_SECRET: secret },
      () => undefined,
    );
    answerStatus = 200;
    expect(code).toBe(1);
  });

  it('exits 2 with the usage when the secret or an argument is missing', async () => {
    let output = '';
    expect(await runSendWebhook([url, fixturePath], {}, (text) => (output += text))).toBe(2);
    expect(await runSendWebhook([url], { GENESYS_WEBHOOK_SECRET: secret }, () => undefined)).toBe(2);
    expect(output).toBe(`${sendWebhookUsage}\n`);
  });
});
