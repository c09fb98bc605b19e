import { randomBytes } from 'node:crypto';

interface CatalogEntry {
  title: string;
  details?: string;
  /** The HTTP status Meta's error code table lists for the code. */
  httpStatus: number;
  type?: string;
  subcode?: number;
}

/**
 * Meta's error codes as the simulator answers them, from the Cloud API "Error codes" reference
 * (developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes), whose table has an HTTP status column.
 * That table lists 429 for the throttling codes; integrators also report 400 for the same bodies, so a fault can
 * set its own status. Clients must act on `code`, as Meta recommends, not on the status.
 */
const catalog: Record<number, CatalogEntry> = {
  1: { title: 'API Unknown', details: 'Invalid request or possible server error.', httpStatus: 400 },
  2: {
    title: 'API Service',
    details: 'Temporary due to downtime or due to being overloaded.',
    httpStatus: 503,
  },
  4: {
    title: 'API Too Many Calls',
    details: 'The app has reached its API call rate limit.',
    httpStatus: 429,
  },
  100: {
    title: 'Invalid parameter',
    details: 'The request included one or more unsupported or misspelled parameters.',
    httpStatus: 400,
  },
  190: { title: 'Access token has expired', httpStatus: 401 },
  80007: {
    title: 'Rate limit issues',
    details: 'The WhatsApp Business Account has reached its rate limit.',
    httpStatus: 429,
  },
  130429: {
    title: 'Rate limit hit',
    details:
      'Message failed to send because there were too many messages sent from this phone number in a short period of time',
    httpStatus: 429,
    // fixtures/meta/error-130429.json carries this subcode; Meta stopped sending subcodes from v16.0 on.
    subcode: 2494055,
  },
  131000: {
    title: 'Something went wrong',
    details: 'Message failed to send due to an unknown error.',
    httpStatus: 500,
  },
  131008: { title: 'Required parameter is missing', httpStatus: 400 },
  131016: {
    title: 'Service unavailable',
    details: 'A service is temporarily unavailable.',
    httpStatus: 503,
  },
  131026: {
    title: 'Message Undeliverable',
    details: 'Unable to deliver message.',
    httpStatus: 400,
  },
  131047: {
    title: 'Re-engagement message',
    details: 'Message failed to send because more than 24 hours have passed since the customer last replied.',
    httpStatus: 400,
  },
  131051: {
    title: 'Unsupported message type',
    details: 'Message type is not currently supported.',
    httpStatus: 400,
  },
  131053: {
    title: 'Media upload error',
    details: 'Unable to upload the media used in the message.',
    httpStatus: 400,
  },
  131056: {
    title: '(Business Account, Consumer Account) pair rate limit hit',
    details:
      'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
    httpStatus: 429,
  },
};

/** An id of the shape Meta puts in `fbtrace_id` (23 URL-safe base64 characters). */
export const fbtraceId = (): string => randomBytes(18).toString('base64url').slice(0, 23);

export const defaultHttpStatusFor = (code: number): number => catalog[code]?.httpStatus ?? 400;

export interface MetaErrorBodyOptions {
  details?: string;
  /** The whole `message`; defaults to Meta's "(#code) title". */
  message?: string;
  type?: string;
  subcode?: number;
}

/** A Graph error body shaped like fixtures/meta/error-130429.json, keys in the same order. */
export const metaErrorBody = (code: number, options: MetaErrorBodyOptions = {}): Record<string, unknown> => {
  const entry = catalog[code];
  const details = 'details' in options ? options.details : entry?.details;
  const subcode = options.subcode ?? entry?.subcode;
  return {
    error: {
      message: options.message ?? `(#${code}) ${entry?.title ?? 'Error'}`,
      type: options.type ?? entry?.type ?? 'OAuthException',
      code,
      ...(details === undefined ? {} : { error_data: { messaging_product: 'whatsapp', details } }),
      ...(subcode === undefined ? {} : { error_subcode: subcode }),
      fbtrace_id: fbtraceId(),
    },
  };
};

/** What Graph answers for a token it cannot use (code 190, HTTP 401). */
export const invalidTokenBody = (): Record<string, unknown> =>
  metaErrorBody(190, { message: 'Invalid OAuth access token - Cannot parse access token' });

/** What Graph answers when no token was sent at all (code 2500, HTTP 400). */
export const missingTokenBody = (): Record<string, unknown> =>
  metaErrorBody(2500, {
    message: 'An active access token must be used to query information about the current user.',
  });

/** What Graph answers for an object id the token cannot reach (code 100, subcode 33, HTTP 400). */
export const unknownObjectBody = (id: string): Record<string, unknown> =>
  metaErrorBody(100, {
    type: 'GraphMethodException',
    subcode: 33,
    message: `Unsupported post request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
    details: undefined,
  });
