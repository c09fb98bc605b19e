/**
 * The baseline of the webhook bench, run as a child process: a Fastify server with a route that parses the JSON
 * body like any Fastify route and answers a constant. What the bridge's webhook route costs on top of this is its
 * own work (signature, schema, tenant lookup, the event store append).
 *
 *   node --import tsx bench/lib/baseline-server.ts <port>
 */
import Fastify from 'fastify';

const port = Number(process.argv[2]);

const main = async () => {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.post('/webhook/genesys', async () => ({ accepted: true }));
  await app.listen({ host: '127.0.0.1', port });
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
};

main().catch((error: unknown) => {
  process.stderr.write(`baseline server failed: ${(error as Error).message}\n`);
  process.exit(1);
});
