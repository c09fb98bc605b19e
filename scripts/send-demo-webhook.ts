import { demoWebhook } from '../src/runtime/sandbox';
import { sendGenesysWebhook } from '../src/simulators/genesys';

/** Sends one signed Genesys webhook for the sandbox's demo conversation (see scripts/send-demo-webhook.sh). */
const main = async () => {
  const secret = process.env.SANDBOX_WEBHOOK_SECRET;
  if (!secret)
    throw new Error('SANDBOX_WEBHOOK_SECRET is not set: start the sandbox (./scripts/start.sh) first');
  const url =
    process.env.SANDBOX_WEBHOOK_URL ??
    `http://${process.env.HOST ?? '127.0.0.1'}:${process.env.PORT ?? '3000'}/webhook/genesys`;
  const delivery = await sendGenesysWebhook(url, secret, demoWebhook(process.argv[2] ?? undefined));
  process.stdout.write(`POST ${url} → HTTP ${delivery.status}\n${delivery.body}\n`);
  if (delivery.status >= 300) process.exitCode = 1;
};

main().catch((error: Error) => {
  process.stderr.write(`send-demo-webhook: ${error.message}\n`);
  process.exitCode = 1;
});
