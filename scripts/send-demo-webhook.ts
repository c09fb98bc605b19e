import { demoInboundWebhook, demoWebhook } from '../src/runtime/sandbox';
import { sendGenesysWebhook } from '../src/simulators/genesys';
import { sendMetaInboundWebhook } from '../src/simulators/meta';

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: start the sandbox (./scripts/start.sh) first`);
  return value;
};

const bridgeUrl = (path: string) =>
  `http://${process.env.HOST ?? '127.0.0.1'}:${process.env.PORT ?? '3000'}${path}`;

/**
 * Sends one signed webhook to the sandbox (see scripts/send-demo-webhook.sh): by default a Genesys agent message
 * for the demo conversation; with `--inbound "text"`, the demo customer's WhatsApp message, signed like Meta.
 */
const main = async () => {
  const inbound = process.argv[2] === '--inbound';
  const text = process.argv[inbound ? 3 : 2];
  const url = inbound
    ? (process.env.SANDBOX_META_WEBHOOK_URL ?? bridgeUrl('/webhook/meta'))
    : (process.env.SANDBOX_WEBHOOK_URL ?? bridgeUrl('/webhook/genesys'));
  const delivery = inbound
    ? await sendMetaInboundWebhook(url, required('META_APP_SECRET'), demoInboundWebhook(text ?? 'Hi'))
    : await sendGenesysWebhook(url, required('SANDBOX_WEBHOOK_SECRET'), demoWebhook(text ?? undefined));
  process.stdout.write(`POST ${url} → HTTP ${delivery.status}\n${delivery.body}\n`);
  if (delivery.status >= 300) process.exitCode = 1;
};

main().catch((error: Error) => {
  process.stderr.write(`send-demo-webhook: ${error.message}\n`);
  process.exitCode = 1;
});
