import { waitFor } from './wait';
import type { TestPipeline } from './pipeline';
import { projectionStatus } from '../../src/runtime/projection-status';

/** Until the relay has published everything and every consumer group has committed the end of its topics. */
export const waitCaughtUp = (pipeline: TestPipeline, timeoutMs = 30_000) =>
  waitFor(
    'the relay and every consumer group to catch up',
    async () => {
      const status = await projectionStatus({
        pool: pipeline.connections.pool,
        admin: pipeline.connections.kafkaAdmin,
        topicPrefix: pipeline.config.KAFKA_TOPIC_PREFIX,
        withAge: false,
      });
      return status.every((entry) => entry.lagEvents === 0) ? status : undefined;
    },
    timeoutMs,
  );
