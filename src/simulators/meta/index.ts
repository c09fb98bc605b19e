export { fetchMediaLink, type MediaFetch } from './media-fetch';
export {
  MEDIA_DOWNLOAD_PATH,
  type AddMediaOptions,
  type InboundMedia,
  type MediaRoute,
} from './media-routes';
export { defaultHttpStatusFor, metaErrorBody } from './meta-error-catalog';
export type { ReadMark, SentMessage, UploadedMedia } from './meta-records';
export {
  MetaSimulator,
  type MetaFailure,
  type MetaFaultScope,
  type MetaHoldOptions,
  type MetaSimulatorOptions,
} from './meta-simulator';
export {
  buildStatusWebhook,
  sendMetaStatusWebhook,
  signMetaWebhook,
  type MetaStatus,
  type StatusUpdate,
  type StatusWebhookInput,
} from './status-webhook';
export {
  buildInboundWebhook,
  newInboundWamid,
  sendMetaInboundWebhook,
  type InboundCustomerSpec,
  type InboundMessageSpec,
  type InboundWebhookInput,
} from './inbound-webhook';
