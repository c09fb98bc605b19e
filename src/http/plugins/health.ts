import type { FastifyPluginAsync } from 'fastify';
import type { RelayHealthView } from '../../events/relay/relay-health';
import { checkDependencies, type DependencyCheck, type DependencyName } from '../../infra/readiness';

export interface HealthOptions {
  checks: DependencyCheck[];
  /** This process's relay, when it runs one: an event it cannot publish shows here. */
  relayHealth?: { view(): RelayHealthView } | undefined;
}

/**
 * What accepting a webhook needs: the event store. Everything else (Kafka, RabbitMQ, S3, Redis) only delays
 * processing, and a load balancer that took the bridge out for those would refuse webhooks Genesys and Meta then
 * retry or drop.
 */
export const READINESS_DEPENDENCIES: readonly DependencyName[] = ['postgres'];

const stateSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    up: { type: 'boolean' },
    latencyMs: { type: 'number' },
    error: { type: 'string' },
  },
  required: ['name', 'up', 'latencyMs'],
} as const;

const unpublishableSchema = {
  type: ['object', 'null'],
  properties: {
    eventId: { type: 'string' },
    streamId: { type: 'string' },
    type: { type: 'string' },
    topic: { type: 'string' },
    bytes: { type: 'number' },
    since: { type: 'string' },
    attempts: { type: 'number' },
    error: { type: 'string' },
  },
} as const;

const topicProblemSchema = {
  type: 'object',
  properties: {
    topic: { type: 'string' },
    maxMessageBytes: { type: 'number' },
    requiredBytes: { type: 'number' },
    error: { type: 'string' },
  },
} as const;

const readySchema = {
  type: 'object',
  properties: {
    ready: { type: 'boolean' },
    requires: { type: 'array', items: { type: 'string' } },
    dependencies: { type: 'array', items: stateSchema },
    relay: {
      type: 'object',
      properties: {
        unpublishable: unpublishableSchema,
        topicsTooSmall: { type: 'array', items: topicProblemSchema },
      },
    },
  },
  required: ['ready', 'requires', 'dependencies'],
} as const;

/** Liveness (public listener): the process answers. Nothing else is said to strangers. */
export const livenessPlugin: FastifyPluginAsync = async (app) => {
  app.get(
    '/healthz',
    { schema: { response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } } },
    async () => ({ status: 'ok' }),
  );
};

/**
 * Readiness (internal listener) = "can accept webhooks": 200 while PostgreSQL answers, whatever else is down; 503
 * when it does not. The body is the detailed health view: every dependency with up/latency/error, and what the
 * relay cannot do (an event it cannot publish, topics whose record limit is too small), so one probe serves both
 * the load balancer (status code) and whoever looks into a problem (body).
 */
export const readinessPlugin: FastifyPluginAsync<HealthOptions> = async (app, { checks, relayHealth }) => {
  app.get(
    '/readyz',
    { schema: { response: { 200: readySchema, 503: readySchema } } },
    async (_request, reply) => {
      const dependencies = await checkDependencies(checks);
      const ready = READINESS_DEPENDENCIES.every(
        (name) => dependencies.find((dependency) => dependency.name === name)?.up === true,
      );
      return reply.code(ready ? 200 : 503).send({
        ready,
        requires: READINESS_DEPENDENCIES,
        dependencies,
        ...(relayHealth ? { relay: relayHealth.view() } : {}),
      });
    },
  );
};
