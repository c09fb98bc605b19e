export { checkAttachmentUrl, type UrlCheck } from './attachment-url-policy';
export {
  downloadAttachment,
  type DownloadAttachmentRequest,
  type DownloadAttachmentResult,
} from './download-attachment';
export type { GenesysError, GenesysErrorKind } from './genesys-error';
export { postReceipt, type PostReceiptRequest, type PostReceiptResult } from './post-receipt';
export {
  defaultApiUrlTemplate,
  defaultDownloadHosts,
  defaultLoginUrlTemplate,
  genesysHosts,
  isGenesysRegion,
  urlFromTemplate,
  type GenesysHosts,
} from './regions';
export { requestToken, type RequestTokenRequest, type RequestTokenResult } from './request-token';
export {
  postInboundMessage,
  toOpenMessagingInbound,
  type InboundAttachment,
  type InboundOpenMessage,
  type PostInboundMessageRequest,
  type PostInboundMessageResult,
} from './post-inbound-message';
export type { OpenMessagingAnswer } from './open-messaging-answer';
export {
  postStructuredResponse,
  toOpenMessagingStructuredResponse,
  type InboundStructuredResponse,
  type PostStructuredResponseRequest,
} from './post-structured-response';
