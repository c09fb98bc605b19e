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
export {
  downloadMedia,
  type DownloadMediaRequest,
  type DownloadMediaResult,
  type MediaDownloadError,
  type MediaDownloadErrorKind,
} from './download-media';
export { lookupMedia, type LookupMediaRequest, type LookupMediaResult, type MediaInfo } from './lookup-media';
export { checkMediaUrl, META_MEDIA_HOSTS, simulatorOriginFor, type MediaUrlCheck } from './media-url-policy';
export { markMessageRead, type MarkReadRequest, type MarkReadResult } from './mark-read';
