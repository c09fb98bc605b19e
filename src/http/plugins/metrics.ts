import type { FastifyPluginAsync } from 'fastify';
import type { Metrics } from '../../infra/metrics';

export interface MetricsOptions {
  metrics: Metrics;
  /** Refreshes gauges that are read from elsewhere (relay and consumer lag) right before a scrape. */
  refresh?: () => Promise<void>;
}

/** GET /metrics in Prometheus' text format, and acknowledgement latency of every webhook. */
export const metricsPlugin: FastifyPluginAsync<MetricsOptions> = async (app, { metrics, refresh }) => {
  app.addHook('onResponse', async (request, reply) => {
    const path = request.routeOptions.url ?? '';
    if (!path.startsWith('/webhook/') || request.method !== 'POST') return;
    metrics.webhookAck.observe(
      { source: path.slice('/webhook/'.length), status: `${Math.floor(reply.statusCode / 100)}xx` },
      reply.elapsedTime / 1000,
    );
  });

  app.get('/metrics', async (request, reply) => {
    await refresh?.().catch((error: Error) =>
      request.log.warn({ err: error.message }, 'metrics refresh failed'),
    );
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
};

// Not encapsulated (what fastify-plugin does): the latency hook must see the webhook routes of sibling plugins.
(metricsPlugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
