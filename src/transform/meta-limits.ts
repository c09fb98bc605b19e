/**
 * Meta's published limits for the messages we build (WhatsApp Cloud API reference: "Messages", "Interactive
 * reply buttons / list messages", "Supported media types"). Lengths are checked in UTF-16 code units, which is
 * never fewer than the characters Meta counts, so a body we accept is never too long for Meta.
 */
export const META_LIMITS = {
  /** `text.body`. */
  textBody: 4096,
  /** `caption` of image, video and document messages. */
  caption: 1024,
  /** `interactive.body.text` (reply buttons; list messages take the same limit here, to be safe). */
  interactiveBody: 1024,
  /** `interactive.header.text`. */
  interactiveHeader: 60,
  replyButtons: 3,
  replyButtonTitle: 20,
  replyButtonId: 256,
  listRows: 10,
  listRowTitle: 24,
  listRowId: 200,
  /** `interactive.action.button`, the label that opens a list. */
  listButtonLabel: 20,
  /** `biz_opaque_callback_data`. */
  callbackData: 512,
  /** ITU-T E.164: a phone number has at most 15 digits. */
  phoneDigits: 15,
} as const;
