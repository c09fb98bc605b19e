/** Commands on one outbound message stream, as the HTTP layer and the processors issue them. */
import type { FailureStage } from '../../events/schemas/message-failed';
import type { MappingResolvedData } from '../../events/schemas/mapping-resolved';
import type { MediaStoredData } from '../../events/schemas/media-stored';
import type { ReceiptStatus } from '../../events/schemas/receipt-posted';
import type { SendRefusedData } from '../../events/schemas/send-refused';
import type { MetaMessageType } from '../../events/schemas/send-requested';
import type { ServiceWindow } from '../../events/schemas/service-window';
import type { WebhookReceivedData } from '../../events/schemas/webhook-received';

/** Genesys posted the webhook. Whether it is sendable is decided by the rules, not by the caller. */
export type ReceiveWebhook = { type: 'ReceiveWebhook' } & Omit<WebhookReceivedData, 'isSendable'>;

export type ResolveMapping = { type: 'ResolveMapping' } & MappingResolvedData;

export interface RecordMappingMissing {
  type: 'RecordMappingMissing';
  /** Machine code, e.g. `NoMappingFound`. */
  reason: string;
}

export type RecordMediaStored = { type: 'RecordMediaStored' } & MediaStoredData;

export interface RequestSend {
  type: 'RequestSend';
  partCount: number;
  metaMessageType: MetaMessageType;
  /**
   * Only for retrying an attempt whose outcome is unknown (SendRequested with neither all parts sent nor a
   * failure). Set it only once it is established that the outstanding parts did not reach Meta: Meta answered
   * with an error that means "not accepted" (429, or an error body whose code says so, see classifyMetaAnswer; a
   * bare 5xx is not one), or, after an unknown outcome (timeout, bare 5xx, crash), no status carrying this
   * message's `biz_opaque_callback_data` arrived within the reconciliation window. If such a status did arrive,
   * record RecordSent with its wamid instead of sending again.
   */
  isPreviousAttemptReconciled?: boolean;
  /**
   * The 24-hour window check (checkServiceWindow) the send was planned on. Refused when it says the message may
   * not go (`expired`), or that only a template may go and this is none; with `defaultTemplate` the message is the
   * tenant's template instead of the agent's content, so its attachment need not be stored.
   */
  serviceWindow?: ServiceWindow;
  /** The run requesting the attempt: it alone sends the attempt's parts (see SendRequested.runId). */
  runId?: string;
}

/** Meta refused a part without taking it (see SendRefused): the attempt is settled. */
export type RecordSendRefused = { type: 'RecordSendRefused' } & SendRefusedData;

export interface RecordSent {
  type: 'RecordSent';
  wamid: string;
  /** 0-based index of the part Meta accepted. */
  partIndex: number;
  /**
   * The attempt the send belonged to, when the caller learned of it from outside the attempt (a Meta status that
   * reconciles an unknown outcome): refused if another attempt has started since, whose parts these are not.
   */
  attempt?: number;
}

export interface RecordSendFailed {
  type: 'RecordSendFailed';
  /** `delivery` failures come only from Meta statuses (RecordMetaStatus). */
  stage: Exclude<FailureStage, 'delivery'>;
  reason: string;
  message: string;
  metaErrorCode?: number;
  metaErrorTitle?: string;
  metaErrorDetails?: string;
  /** For `MessageExpired`: the window check that refused the message. */
  serviceWindow?: ServiceWindow;
}

/** The error object of a Meta `failed` status. */
export interface MetaStatusError {
  code: number;
  title: string;
  message?: string;
  details?: string;
}

export interface RecordMetaStatus {
  type: 'RecordMetaStatus';
  status: 'sent' | 'delivered' | 'read' | 'failed';
  wamid: string;
  /** Meta's `timestamp`, Unix seconds as a string, exactly as in the webhook. */
  timestamp: string;
  recipientId?: string;
  error?: MetaStatusError;
}

export interface RecordReceiptPosted {
  type: 'RecordReceiptPosted';
  status: ReceiptStatus;
  reason?: string;
}

export type OutboundMessageCommand =
  | ReceiveWebhook
  | ResolveMapping
  | RecordMappingMissing
  | RecordMediaStored
  | RequestSend
  | RecordSent
  | RecordSendRefused
  | RecordSendFailed
  | RecordMetaStatus
  | RecordReceiptPosted;
