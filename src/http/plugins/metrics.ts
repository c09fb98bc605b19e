import type { FastifyPluginAsync } from 'fastify';
import type { Metrics } from '../../infra/metrics';
import { requireBearerToken } from '../admin-auth';

export interface MetricsOptions {
  metrics: Metrics;
  /** Refreshes gauges that are read from elsewhere (relay and consumer lag) right before a scrape. */
  refresh?: () => Promise<void>;
  /** METRICS_TOKEN: when set, a scrape must send it as a bearer token. */
  token?: string | undefined;
}

/** Acknowledgement latency of every webhook (public listener). */
export const webhookLatencyPlugin: FastifyPluginAsync<{ metrics: Metrics }> = async (app, { metrics }) => {
  app.addHook('onResponse', async (request, reply) => {
    const path = request.routeOptions.url ?? '';
    if (!path.startsWith('/webhook/') || request.method !== 'POST') return;
    metrics.webhookAck.observe(
      { source: path.slice('/webhook/'.length), status: `${Math.floor(reply.statusCode / 100)}xx` },
      reply.elapsedTime / 1000,
    );
  });
};

/** GET /metrics in Prometheus' text format (internal listener). */
export const metricsPlugin: FastifyPluginAsync<MetricsOptions> = async (app, { metrics, refresh, token }) => {
  const guard = token === undefined ? {} : { onRequest: requireBearerToken(token, 'metrics') };
  app.get('/metrics', guard, async (request, reply) => {
    await refresh?.().catch((error: Error) =>
      request.log.warn({ err: error.message }, 'metrics refresh failed'),
    );
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
};

// Not encapsulated (what fastify-plugin does): the latency hook must see the webhook routes of sibling plugins.
(webhookLatencyPlugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
