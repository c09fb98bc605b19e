/** An attachment the simulator serves at /api/v2/downloads/:id. */
export interface SimulatedAttachment {
  bytes: Buffer;
  mime: string;
  /**
   * `signed`: answer 303 to a signed URL (what Genesys does by default), served without a bearer token.
   * A string: answer 302 to exactly this Location (e.g. a foreign host, to test that clients refuse it).
   */
  redirect?: 'signed' | string;
}

/** A receipt POSTed to /api/v2/conversations/messages/:integrationId/inbound/open/receipt. */
export interface RecordedReceipt {
  integrationId: string;
  body: Record<string, unknown>;
  raw: Buffer;
  receivedAt: Date;
}

/**
 * An inbound Open Messaging message POSTed to …/inbound/open/message, or a structured response (a pressed button)
 * POSTed to …/inbound/open/structured/response, and what the simulator answered.
 */
export interface RecordedInboundMessage {
  endpoint: 'message' | 'structured/response';
  integrationId: string;
  body: Record<string, unknown>;
  raw: Buffer;
  receivedAt: Date;
  /** The message id and conversation id the simulator gave it. */
  id: string;
  conversationId: string;
}
