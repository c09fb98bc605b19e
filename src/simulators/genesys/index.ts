export { genesysErrorBody } from './genesys-error-body';
export type { RecordedInboundMessage, RecordedReceipt, SimulatedAttachment } from './genesys-records';
export {
  GenesysSimulator,
  type GenesysFailure,
  type GenesysFaultScope,
  type GenesysHoldOptions,
  type GenesysSimulatorOptions,
} from './genesys-simulator';
export { sendGenesysWebhook, signGenesysWebhook } from './genesys-webhook';
