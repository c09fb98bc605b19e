import type { FastifyPluginAsync } from 'fastify';
import { checkDependencies, type DependencyCheck } from '../../infra/readiness';

export interface HealthOptions {
  checks: DependencyCheck[];
}

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

const readySchema = {
  type: 'object',
  properties: { ready: { type: 'boolean' }, dependencies: { type: 'array', items: stateSchema } },
  required: ['ready', 'dependencies'],
} as const;

/** Liveness (public listener): the process answers. Nothing else is said to strangers. */
export const livenessPlugin: FastifyPluginAsync = async (app) => {
  app.get(
    '/healthz',
    { schema: { response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } } },
    async () => ({ status: 'ok' }),
  );
};

/** Readiness (internal listener) names each dependency and is 503 while any one is down. */
export const readinessPlugin: FastifyPluginAsync<HealthOptions> = async (app, { checks }) => {
  app.get(
    '/readyz',
    { schema: { response: { 200: readySchema, 503: readySchema } } },
    async (_request, reply) => {
      const dependencies = await checkDependencies(checks);
      const ready = dependencies.every((dependency) => dependency.up);
      return reply.code(ready ? 200 : 503).send({ ready, dependencies });
    },
  );
};
