export { backoffFor, defaultBackoffPolicy, type BackoffDecision, type BackoffPolicy } from './backoff';
export { classifyMetaAnswer, kindForMetaCode, type MetaError, type MetaErrorKind } from './meta-error';
export {
  sendMessage,
  type MetaMessageBody,
  type MetaMessageType,
  type SendMessageRequest,
  type SendMessageResult,
} from './send-message';
export { uploadMedia, type UploadMediaRequest, type UploadMediaResult } from './upload-media';
