import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../infra/logger';
import type { DependencyCheck } from '../infra/readiness';
import { healthPlugin } from './plugins/health';

export interface AppDeps {
  logger: Logger;
  checks: DependencyCheck[];
}

/** Builds the HTTP app from already-connected dependencies; `serve` and the tests both call it. */
export const buildApp = async (deps: AppDeps): Promise<FastifyInstance> => {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    // Request lines are logged by our own hooks (with the correlation id), not by Fastify's defaults.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
  });
  await app.register(healthPlugin, { checks: deps.checks });
  return app;
};
