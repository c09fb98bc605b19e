/** The AMQP bridge, for the serve command (`--role amqp-bridge`) to wire; the legacy body for anyone to validate. */
export { amqpBridgeGroupId, createAmqpBridge } from './amqp-bridge';
export type { AmqpBridge, AmqpBridgeDeps, AmqpBridgeStats } from './amqp-bridge';
export { legacyOutboundMessageSchema } from './legacy-outbound-message';
export type { LegacyAttachment, LegacyOutboundMessage } from './legacy-outbound-message';
