import { readFile } from 'node:fs/promises';
import { sendGenesysWebhook } from './genesys-webhook';

export const sendWebhookUsage =
  'usage: GENESYS_WEBHOOK_SECRET=<secret> node dist/simulators/genesys/send-webhook-cli.js <webhook-url> <body.json>';

/**
 * Sends a file to the bridge as a signed Genesys webhook, byte for byte: what the sandbox's printed command runs.
 * The secret comes from the environment, never from the command line (visible to every user through `ps`).
 * Answers the exit code: 0 for a 2xx answer, 1 otherwise, 2 for a usage error.
 */
export const runSendWebhook = async (
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  write: (text: string) => void,
): Promise<number> => {
  const [url, file] = args;
  const secret = env.GENESYS_WEBHOOK_SECRET;
  if (args.length !== 2 || url === undefined || file === undefined || !secret) {
    write(`${sendWebhookUsage}\n`);
    return 2;
  }
  const delivery = await sendGenesysWebhook(url, secret, await readFile(file));
  write(`HTTP ${delivery.status}\n${delivery.body}\n`);
  return delivery.status >= 200 && delivery.status < 300 ? 0 : 1;
};

if (require.main === module) {
  runSendWebhook(process.argv.slice(2), process.env, (text) => process.stdout.write(text)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`send-webhook: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
