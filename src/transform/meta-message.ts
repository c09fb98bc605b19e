/**
 * The bodies we POST to Meta's `/{phone-number-id}/messages` (WhatsApp Cloud API, "Messages" reference), typed
 * per message type. Only the shapes this bridge produces are modelled. Written as type aliases, not interfaces,
 * so that each one is assignable to the Meta client's open envelope (`src/clients/meta`).
 */

/**
 * Whom Meta delivers to: `to`, the phone number (E.164 with a leading '+'); or `recipient`, a business-scoped
 * user id (BSUID), for a customer whose number the bridge does not know. Meta takes `to` when both are present,
 * so a body carries exactly one of them.
 */
export type MetaAddress = { to: string; recipient?: never } | { recipient: string; to?: never };

/** Fields every message we send carries. */
export type MetaEnvelope = MetaAddress & {
  messaging_product: 'whatsapp';
  recipient_type: 'individual';
  /**
   * Echoed back by Meta in every status webhook for this message (max 512 characters). The caller puts the
   * Genesys message id here, so a send whose outcome was never learned is matched to Meta's status, not re-sent.
   */
  biz_opaque_callback_data?: string;
};

/** A media object is sent either by URL (`link`, our presigned object-store URL) or by Meta media id (`id`). */
export type MetaMediaSource = { link: string } | { id: string };

export type MetaTextContent = { type: 'text'; text: { preview_url: boolean; body: string } };
export type MetaImageContent = { type: 'image'; image: MetaMediaSource & { caption?: string } };
export type MetaVideoContent = { type: 'video'; video: MetaMediaSource & { caption?: string } };
export type MetaAudioContent = { type: 'audio'; audio: MetaMediaSource };
export type MetaStickerContent = { type: 'sticker'; sticker: MetaMediaSource };
export type MetaDocumentContent = {
  type: 'document';
  document: MetaMediaSource & { caption?: string; filename?: string };
};

export type MetaMediaContent =
  MetaImageContent | MetaVideoContent | MetaAudioContent | MetaStickerContent | MetaDocumentContent;

export type MetaTemplateParameter = { type: 'text'; text: string };
export type MetaTemplateComponent = { type: 'header' | 'body'; parameters: MetaTemplateParameter[] };
export type MetaTemplateContent = {
  type: 'template';
  template: { name: string; language: { code: string }; components?: MetaTemplateComponent[] };
};

export type MetaReplyButton = { type: 'reply'; reply: { id: string; title: string } };
export type MetaListRow = { id: string; title: string };
export type MetaTextHeader = { type: 'text'; text: string };

export type MetaInteractiveButtons = {
  type: 'button';
  header?: MetaTextHeader;
  body: { text: string };
  action: { buttons: MetaReplyButton[] };
};

export type MetaInteractiveList = {
  type: 'list';
  header?: MetaTextHeader;
  body: { text: string };
  action: { button: string; sections: { rows: MetaListRow[] }[] };
};

export type MetaInteractiveContent = {
  type: 'interactive';
  interactive: MetaInteractiveButtons | MetaInteractiveList;
};

/** What one Meta message says, before it is addressed. */
export type MetaMessageContent =
  MetaTextContent | MetaMediaContent | MetaTemplateContent | MetaInteractiveContent;

/** One complete send body: envelope plus content. */
export type MetaMessageBody = MetaEnvelope & MetaMessageContent;
