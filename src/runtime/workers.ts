import { createAmqpBridge } from '../bridges/amqp';
import {
  INBOUND_MESSAGES_TOPIC,
  META_WEBHOOKS_TOPIC,
  OUTBOUND_MESSAGES_TOPIC,
  relayTopics,
  topicRouter,
} from '../events/relay/topic-routing';
import { storedMediaResolver, type InboundMediaResolver } from '../processors/inbound/inbound-media-resolver';
import { inboundMediaSettingsFrom } from '../processors/inbound/inbound-media';
import { indexedOriginatingMessages } from '../processors/inbound/originating-messages';
import { InboundPoster, type InboundPosterSettings } from '../processors/inbound/inbound-poster';
import { TypingRelay } from '../processors/outbound/typing-relay';
import { InboundReadMarker, type InboundReadMarkerSettings } from '../processors/inbound/inbound-read-marker';
import { createInboundProcessor } from '../processors/inbound/inbound-processor';
import { createReceiptProcessor } from '../processors/receipts/receipt-processor';
import { createStatusProcessor } from '../processors/statuses/status-processor';
import { ensureTopics } from '../events/relay/ensure-topics';
import { Relay } from '../events/relay/relay';
import type { Config } from '../infra/config';
import type { Connections } from '../infra/connections';
import type { Logger } from '../infra/logger';
import { createS3, type S3 } from '../infra/s3';
import { TenantRepository } from '../tenants/tenant-repository';
import type { StoredEvent } from '../events/store/types';
import { GenesysTokenCache } from '../processors/outbound/genesys-token-cache';
import { MediaMover } from '../processors/outbound/media-mover';
import { OutboundDriver, type OutboundDriverSettings } from '../processors/outbound/outbound-driver';
import {
  createOutboundProcessor,
  type OutboundProcessorOptions,
} from '../processors/outbound/outbound-processor';
import { liveProjection } from '../projections/live-projection';
import { consumerNameOf, PROJECTIONS } from '../projections/registry';
import { ProjectionRunner } from '../projections/runtime/projection-runner';
import type { Services } from './services';

export const ROLES = ['api', 'relay', 'processor', 'projector', 'amqp-bridge'] as const;
export type Role = (typeof ROLES)[number];

/** Something a role runs besides the HTTP API: started in order, stopped in reverse. */
export interface Worker {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** For consumers: the dead_letters source they write, and how to hand them a dead-lettered event again. */
  deadLetters?: {
    source: string;
    redeliver(event: StoredEvent): Promise<RedeliveryOutcome>;
  };
}

export type RedeliveryOutcome = { outcome: 'handled' | 'ended' } | { outcome: 'failed'; error: string };

export interface WorkerOptions {
  /** Overrides for tests (short reconciliation windows, quick backoff). */
  driver?: Partial<OutboundDriverSettings>;
  /** Overrides for the outbound processor's consumer (tests: few slots, quick retries). */
  outboundConsumer?: Pick<OutboundProcessorOptions, 'maxInFlight' | 'retryDelayMs'>;
  /** The S3 client the media mover writes with (tests: one that can lose S3 without touching the shared one). */
  mediaS3?: S3;
  /** Settings of the inbound poster (tests: a short Retry-After cap). */
  inboundPoster?: Partial<InboundPosterSettings>;
  inboundReadMarker?: Partial<InboundReadMarkerSettings>;
  /** The inbound media module (fetchInboundMedia behind InboundMediaResolver); unset: media reach Genesys as text. */
  inboundMedia?: InboundMediaResolver;
  /** Consumer settings of processor.inbound (tests: faster retries). */
  inboundConsumer?: { retryDelayMs?: (attempt: number) => number; maxInFlight?: number };
}

/**
 * Every consumer group the bridge runs, with the topics it reads (before the deployment's prefix): for lag. The
 * projections' come from their registry.
 */
export const CONSUMERS: ReadonlyArray<{ name: string; topics: readonly string[] }> = [
  { name: 'processor.outbound', topics: [OUTBOUND_MESSAGES_TOPIC] },
  ...PROJECTIONS.map((projection) => ({ name: consumerNameOf(projection), topics: projection.topics })),
  { name: 'processor.statuses', topics: [META_WEBHOOKS_TOPIC, OUTBOUND_MESSAGES_TOPIC] },
  { name: 'processor.receipts', topics: [OUTBOUND_MESSAGES_TOPIC] },
  { name: 'processor.inbound', topics: [META_WEBHOOKS_TOPIC, INBOUND_MESSAGES_TOPIC] },
  { name: 'bridge.amqp', topics: [OUTBOUND_MESSAGES_TOPIC] },
];

/** Consumer groups carry the topic prefix so that isolated deployments (and test files) never share offsets. */
export const groupId = (config: Pick<Config, 'KAFKA_TOPIC_PREFIX'>, name: string) =>
  `${config.KAFKA_TOPIC_PREFIX}${name}`;

export const buildWorkers = (
  roles: ReadonlySet<Role>,
  config: Config,
  connections: Connections,
  services: Services,
  logger: Logger,
  options: WorkerOptions = {},
): Worker[] => {
  const { pool, redis, kafka, s3 } = connections;
  // Consumers must not subscribe before the topics exist: the broker would auto-create them with one partition.
  const topics = relayTopics(config.KAFKA_TOPIC_PREFIX, config.KAFKA_TOPIC_PARTITIONS);
  const workers: Worker[] = [
    {
      name: 'topics',
      start: async () => {
        await ensureTopics(kafka, topics); // a limit it could not raise is reported by the relay
      },
      stop: async () => undefined,
    },
  ];

  if (roles.has('relay')) {
    const relay = new Relay({
      pool,
      store: services.store,
      kafka,
      logger: logger.child({ component: 'relay' }),
      topicFor: topicRouter(config.KAFKA_TOPIC_PREFIX),
      topics,
      batchSize: 2000,
      pollIntervalMs: 250,
      health: services.relayHealth,
      onWait: (reason, ended) => services.metrics.relayWaits.inc({ reason, ended }),
    });
    workers.push({ name: 'relay', start: () => relay.start(), stop: () => relay.stop() });
  }

  if (roles.has('projector')) {
    for (const definition of PROJECTIONS) {
      const name = consumerNameOf(definition);
      const projectionLogger = logger.child({ component: name });
      const projection = liveProjection(definition, {
        redis,
        s3,
        archiveBucket: config.S3_ARCHIVE_BUCKET,
        logger: projectionLogger,
      });
      const runner = new ProjectionRunner({
        pool,
        kafka,
        logger: projectionLogger,
        projection,
        topicPrefix: config.KAFKA_TOPIC_PREFIX,
        groupId: groupId(config, name),
      });
      workers.push({
        name,
        start: () => runner.start(),
        stop: () => runner.stop(),
        deadLetters: { source: projection.name, redeliver: (event) => runner.redeliver(event) },
      });
    }
  }

  if (roles.has('processor')) {
    const graphUrl = config.META_GRAPH_URL ?? 'http://127.0.0.1:1';
    const publicS3 = createS3(
      config.S3_PUBLIC_ENDPOINT,
      config.S3_ACCESS_KEY,
      config.S3_SECRET_KEY,
      config.S3_REGION,
      { requestTimeoutMs: config.S3_REQUEST_TIMEOUT_MS },
    );
    const tokenCache = new GenesysTokenCache(
      redis,
      services.cipher,
      logger,
      config.GENESYS_REQUEST_TIMEOUT_MS,
      (outcome) => services.metrics.cacheRequests.inc({ cache: 'genesys-token', outcome }),
    );
    const media = new MediaMover(options.mediaS3 ?? s3, publicS3, services.directory, tokenCache, {
      bucket: config.S3_MEDIA_BUCKET,
      loginUrlTemplate: config.GENESYS_LOGIN_URL_TEMPLATE,
      downloadHosts: config.GENESYS_DOWNLOAD_HOSTS,
      downloadOriginOverride: config.GENESYS_DOWNLOAD_ORIGIN_OVERRIDE,
      graphUrl,
      graphVersion: config.META_GRAPH_VERSION,
      genesysTimeoutMs: config.GENESYS_REQUEST_TIMEOUT_MS,
      metaTimeoutMs: config.META_REQUEST_TIMEOUT_MS,
    });
    const driver = new OutboundDriver(
      services.store,
      services.directory,
      services.mappings,
      media,
      {
        graphUrl,
        graphVersion: config.META_GRAPH_VERSION,
        metaTimeoutMs: config.META_REQUEST_TIMEOUT_MS,
        maxSendAttempts: 8,
        maxMediaAttempts: 5,
        reconcileWindowMs: 120_000,
        ...options.driver,
      },
      logger.child({ component: 'processor.outbound' }),
      (outcome, code) =>
        services.metrics.metaSends.inc({ outcome, code: code === undefined ? 'none' : String(code) }),
    );
    const outbound = createOutboundProcessor({
      kafka,
      pool,
      logger,
      driver,
      typing: new TypingRelay(
        services.store,
        services.directory,
        services.mappings,
        { graphUrl, graphVersion: config.META_GRAPH_VERSION, timeoutMs: config.META_REQUEST_TIMEOUT_MS },
        logger.child({ component: 'processor.outbound' }),
      ),
      topic: `${config.KAFKA_TOPIC_PREFIX}${OUTBOUND_MESSAGES_TOPIC}`,
      groupId: groupId(config, 'processor.outbound'),
      onDeadLetter: (source) => services.metrics.deadLetters.inc({ source }),
      ...options.outboundConsumer,
    });
    workers.push({
      name: 'processor.outbound',
      start: () => outbound.start(),
      stop: () => outbound.stop(),
      deadLetters: { source: 'processor.outbound', redeliver: (event) => outbound.redeliver(event) },
    });

    const statuses = createStatusProcessor({
      kafka,
      pool,
      store: services.store,
      logger,
      topicPrefix: config.KAFKA_TOPIC_PREFIX,
      groupId: groupId(config, 'processor.statuses'),
      parkedRetentionMs: config.PARKED_STATUS_RETENTION_HOURS * 3600 * 1000,
      onParkedExpired: (count) => services.metrics.parkedStatusesExpired.inc(count),
      onDeadLetter: (source) => services.metrics.deadLetters.inc({ source }),
    });
    workers.push({
      name: 'processor.statuses',
      start: () => statuses.start(),
      stop: () => statuses.stop(),
      deadLetters: { source: 'processor.statuses', redeliver: (event) => statuses.redeliver(event) },
    });

    const receipts = createReceiptProcessor({
      kafka,
      pool,
      store: services.store,
      directory: services.directory,
      tokens: tokenCache,
      logger,
      topicPrefix: config.KAFKA_TOPIC_PREFIX,
      groupId: groupId(config, 'processor.receipts'),
      apiUrlTemplate: config.GENESYS_API_URL_TEMPLATE,
      loginUrlTemplate: config.GENESYS_LOGIN_URL_TEMPLATE,
      timeoutMs: config.GENESYS_REQUEST_TIMEOUT_MS,
      observe: (outcome) => services.metrics.genesysReceipts.inc({ outcome }),
      onDeadLetter: (source) => services.metrics.deadLetters.inc({ source }),
    });
    workers.push({
      name: 'processor.receipts',
      start: () => receipts.start(),
      stop: () => receipts.stop(),
      deadLetters: { source: 'processor.receipts', redeliver: (event) => receipts.redeliver(event) },
    });

    const inbound = createInboundProcessor({
      kafka,
      pool,
      store: services.store,
      owners: new TenantRepository(pool),
      logger,
      poster: new InboundPoster(
        services.store,
        services.directory,
        tokenCache,
        {
          apiUrlTemplate: config.GENESYS_API_URL_TEMPLATE,
          loginUrlTemplate: config.GENESYS_LOGIN_URL_TEMPLATE,
          timeoutMs: config.GENESYS_REQUEST_TIMEOUT_MS,
          ...options.inboundPoster,
        },
        logger.child({ component: 'processor.inbound' }),
        options.inboundMedia ??
          storedMediaResolver({
            directory: services.directory,
            storage: { s3, publicS3, settings: inboundMediaSettingsFrom(config, graphUrl) },
          }),
        undefined,
        new InboundReadMarker(
          services.store,
          services.directory,
          {
            graphUrl,
            graphVersion: config.META_GRAPH_VERSION,
            timeoutMs: config.META_REQUEST_TIMEOUT_MS,
            ...options.inboundReadMarker,
          },
          logger.child({ component: 'processor.inbound' }),
        ),
        indexedOriginatingMessages(pool),
      ),
      ...options.inboundConsumer,
      topicPrefix: config.KAFKA_TOPIC_PREFIX,
      groupId: groupId(config, 'processor.inbound'),
      onDeadLetter: (source) => services.metrics.deadLetters.inc({ source }),
    });
    workers.push({
      name: 'processor.inbound',
      start: () => inbound.start(),
      stop: () => inbound.stop(),
      deadLetters: { source: 'processor.inbound', redeliver: (event) => inbound.redeliver(event) },
    });
  }

  if (roles.has('amqp-bridge')) {
    const bridge = createAmqpBridge({
      kafka,
      pool,
      logger: logger.child({ component: 'bridge.amqp' }),
      config,
    });
    workers.push({ name: 'bridge.amqp', start: () => bridge.start(), stop: () => bridge.stop() });
  }
  return workers;
};
