import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { everyScope } from '../common/fault-book';
import { bearerToken, type SimulatorAnswer, type SimulatorServer } from '../common/simulator-server';
import { genesysErrorBody } from './genesys-error-body';
import type { RecordedInboundMessage, RecordedReceipt, SimulatedAttachment } from './genesys-records';

/** What the routes read and write; owned by GenesysSimulator. */
export interface GenesysRouteState {
  /** OAuth client id → secret */
  clients: Map<string, string>;
  /** Issued access token → expiry (epoch ms). */
  tokens: Map<string, number>;
  tokenTtlSeconds: number;
  attachments: Map<string, SimulatedAttachment>;
  receipts: RecordedReceipt[];
  inboundMessages: RecordedInboundMessage[];
  /** `{integrationId}/{channel.from.id}` → the conversation Genesys keeps that customer in. */
  conversations: Map<string, string>;
  counters: { tokenRequests: number; tokensIssued: number };
  /** Signs the simulated signed-download URLs. */
  signingKey: Buffer;
  /** Origin of signed-download redirects; unset: a relative Location on the same host. */
  signedUrlOrigin: string | undefined;
  onChange: () => void;
  /** Told of each inbound message or structured response once recorded (the sandbox's echo agent listens). */
  onInbound: (message: RecordedInboundMessage) => void;
}

export type GenesysRoute = 'token' | 'download' | 'receipt' | 'inbound-message' | 'structured-response';

/** Fault scopes of a request, most specific first: route and key (attachment or integration id), route, all. */
export const genesysScopes = (route: GenesysRoute, key?: string): string[] => [
  ...(key === undefined ? [] : [`${route}:${key}`]),
  route,
  everyScope,
];

const json = (status: number, body: unknown, headers?: Record<string, string>): SimulatorAnswer => ({
  status,
  body: JSON.stringify(body),
  ...(headers ? { headers } : {}),
});

const sameSecret = (expected: string, given: string): boolean => {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** RFC 6749 §2.3.1: Basic credentials are form-encoded before being joined with a colon. */
const basicCredentials = (request: FastifyRequest): { id: string; secret: string } | undefined => {
  const match = /^Basic\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return {
      id: decodeURIComponent(decoded.slice(0, colon)),
      secret: decodeURIComponent(decoded.slice(colon + 1)),
    };
  } catch {
    return undefined;
  }
};

const issueToken = (state: GenesysRouteState, request: FastifyRequest): SimulatorAnswer => {
  state.counters.tokenRequests += 1;
  const credentials = basicCredentials(request);
  const known = credentials && state.clients.get(credentials.id);
  if (!credentials || known === undefined || !sameSecret(known, credentials.secret))
    return json(401, {
      error: 'invalid_client',
      description: 'client authentication failed',
      error_description: 'client authentication failed',
    });
  const form = new URLSearchParams(Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '');
  if (form.get('grant_type') !== 'client_credentials')
    return json(400, {
      error: 'unsupported_grant_type',
      description: 'only client_credentials is supported here',
      error_description: 'only client_credentials is supported here',
    });
  const token = randomBytes(32).toString('base64url');
  state.tokens.set(token, Date.now() + state.tokenTtlSeconds * 1000);
  state.counters.tokensIssued += 1;
  state.onChange();
  return json(200, { access_token: token, token_type: 'bearer', expires_in: state.tokenTtlSeconds });
};

/** Genesys' two 401s: no token at all, or one it does not accept. */
const refuseBearer = (state: GenesysRouteState, request: FastifyRequest): SimulatorAnswer | undefined => {
  const token = bearerToken(request);
  if (token === undefined)
    return json(
      401,
      genesysErrorBody(
        401,
        'No authentication bearer token specified in authorization header.',
        'authentication.required',
      ),
    );
  const expiresAt = state.tokens.get(token);
  if (expiresAt === undefined || expiresAt <= Date.now())
    return json(401, genesysErrorBody(401, 'Invalid login credentials.', 'bad.credentials'));
  return undefined;
};

const signatureFor = (state: GenesysRouteState, id: string): string =>
  createHmac('sha256', state.signingKey).update(id).digest('hex');

const download = (state: GenesysRouteState, request: FastifyRequest, id: string): SimulatorAnswer => {
  const refused = refuseBearer(state, request);
  if (refused) return refused;
  const attachment = state.attachments.get(id);
  if (!attachment) return json(404, genesysErrorBody(404, 'The requested download was not found.'));
  if (attachment.redirect === 'signed') {
    const path = `/signed-downloads/${encodeURIComponent(id)}?X-Amz-Expires=300&X-Amz-Signature=${signatureFor(state, id)}`;
    return { status: 303, body: '', headers: { location: `${state.signedUrlOrigin ?? ''}${path}` } };
  }
  if (attachment.redirect !== undefined)
    return { status: 302, body: '', headers: { location: attachment.redirect } };
  return serve(attachment);
};

const serve = (attachment: SimulatedAttachment): SimulatorAnswer => ({
  status: 200,
  body: attachment.bytes,
  headers: { 'content-type': attachment.mime },
});

/** Stands in for the object store behind Genesys' signed URLs: the signature is the only credential. */
const signedDownload = (
  state: GenesysRouteState,
  request: FastifyRequest<{ Params: { id: string }; Querystring: Record<string, string> }>,
): SimulatorAnswer => {
  const xml = (status: number, code: string, message: string): SimulatorAnswer => ({
    status,
    body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
    headers: { 'content-type': 'application/xml' },
  });
  // S3 refuses a presigned request that also carries an Authorization header; so must a bearer token never follow
  // a redirect to another host.
  if (request.headers.authorization !== undefined)
    return xml(400, 'InvalidArgument', 'Only one auth mechanism allowed');
  const { id } = request.params;
  const attachment = state.attachments.get(id);
  const given = request.query['X-Amz-Signature'] ?? '';
  if (!attachment || !sameSecret(signatureFor(state, id), given))
    return xml(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match');
  return serve(attachment);
};

const receipt = (
  state: GenesysRouteState,
  request: FastifyRequest,
  integrationId: string,
): SimulatorAnswer => {
  const refused = refuseBearer(state, request);
  if (refused) return refused;
  const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return json(400, genesysErrorBody(400, 'The request body is not valid JSON.'));
  }
  const receiptBody = body as Record<string, unknown> | null;
  if (
    typeof receiptBody !== 'object' ||
    receiptBody === null ||
    typeof receiptBody.channel !== 'object' ||
    typeof receiptBody.status !== 'string'
  )
    return json(400, genesysErrorBody(400, 'A receipt needs a channel and a status.'));
  state.receipts.push({ integrationId, body: receiptBody, raw, receivedAt: new Date() });
  state.onChange();
  // Genesys answers 202 Accepted while it processes the receipt, echoing it.
  return json(202, receiptBody);
};

/** The JSON object of an authorised Open Messaging POST, or Genesys' answer refusing the request. */
const authorisedJson = (
  state: GenesysRouteState,
  request: FastifyRequest,
): { ok: true; body: Record<string, unknown>; raw: Buffer } | { ok: false; answer: SimulatorAnswer } => {
  const refused = refuseBearer(state, request);
  if (refused) return { ok: false, answer: refused };
  const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  try {
    const body = JSON.parse(raw.toString('utf8')) as unknown;
    if (typeof body === 'object' && body !== null)
      return { ok: true, body: body as Record<string, unknown>, raw };
  } catch {
    // answered below
  }
  return { ok: false, answer: json(400, genesysErrorBody(400, 'The request body is not valid JSON.')) };
};

const customerIdOf = (body: Record<string, unknown>): string | undefined => {
  const id = (body.channel as { from?: { id?: unknown } } | undefined)?.from?.id;
  return typeof id === 'string' ? id : undefined;
};

/**
 * Records a customer's message or structured response in the customer's conversation (like Genesys, one per
 * customer of an integration, stable across messages) and tells the listeners; answers its id and conversation.
 */
const recordInbound = (
  state: GenesysRouteState,
  endpoint: RecordedInboundMessage['endpoint'],
  integrationId: string,
  customerId: string,
  posted: { body: Record<string, unknown>; raw: Buffer },
): { id: string; conversationId: string } => {
  const customer = `${integrationId}/${customerId}`;
  const conversationId = state.conversations.get(customer) ?? randomUUID();
  state.conversations.set(customer, conversationId);
  const id = randomBytes(16).toString('hex');
  const record = { endpoint, integrationId, ...posted, receivedAt: new Date(), id, conversationId };
  state.inboundMessages.push(record);
  state.onChange();
  state.onInbound(record);
  return { id, conversationId };
};

/**
 * POST …/inbound/open/message: a customer's message into Genesys, answered 202 with the message id and, when
 * `prefetchConversationId=true`, the conversation id.
 */
const inboundMessage = (
  state: GenesysRouteState,
  request: FastifyRequest<{ Querystring: Record<string, string> }>,
  integrationId: string,
): SimulatorAnswer => {
  const posted = authorisedJson(state, request);
  if (!posted.ok) return posted.answer;
  const customerId = customerIdOf(posted.body);
  if (customerId === undefined || posted.body.direction !== 'Inbound')
    return json(
      400,
      genesysErrorBody(400, 'An inbound message needs channel.from.id and direction Inbound.'),
    );
  const { id, conversationId } = recordInbound(state, 'message', integrationId, customerId, posted);
  const prefetch = request.query.prefetchConversationId === 'true';
  return json(202, { ...posted.body, id, ...(prefetch ? { conversationId } : {}) });
};

const BUTTON_RESPONSE_TYPES = new Set(['Button', 'QuickReply', 'DatePicker', 'ListPicker']);

/**
 * POST …/inbound/open/structured/response: the customer pressed a button of a structured message. Genesys checks
 * the body's shape (channel.from, buttonResponse with type, text and payload, originatingMessageId) and answers
 * 202 with the normalized message.
 */
const structuredResponse = (
  state: GenesysRouteState,
  request: FastifyRequest,
  integrationId: string,
): SimulatorAnswer => {
  const posted = authorisedJson(state, request);
  if (!posted.ok) return posted.answer;
  const { body } = posted;
  const customerId = customerIdOf(body);
  const button = body.buttonResponse as Record<string, unknown> | undefined;
  if (
    customerId === undefined ||
    typeof button !== 'object' ||
    button === null ||
    !BUTTON_RESPONSE_TYPES.has(String(button.type)) ||
    typeof button.text !== 'string' ||
    typeof button.payload !== 'string' ||
    typeof body.originatingMessageId !== 'string'
  )
    return json(
      400,
      genesysErrorBody(
        400,
        'A structured response needs channel.from.id, buttonResponse {type, text, payload} and originatingMessageId.',
      ),
    );
  const { id } = recordInbound(state, 'structured/response', integrationId, customerId, posted);
  return json(202, {
    id,
    channel: body.channel,
    type: 'Structured',
    direction: 'Inbound',
    content: [{ contentType: 'ButtonResponse', buttonResponse: button }],
  });
};

export const registerGenesysRoutes = (server: SimulatorServer, state: GenesysRouteState): void => {
  server.app.post('/oauth/token', (request, reply) =>
    server.answer(request, reply, genesysScopes('token'), () => issueToken(state, request)),
  );
  server.app.get<{ Params: { id: string } }>('/api/v2/downloads/:id', (request, reply) =>
    server.answer(request, reply, genesysScopes('download', request.params.id), () =>
      download(state, request, request.params.id),
    ),
  );
  server.app.get<{ Params: { id: string }; Querystring: Record<string, string> }>(
    '/signed-downloads/:id',
    (request, reply) =>
      server.answer(request, reply, genesysScopes('download', request.params.id), () =>
        signedDownload(state, request),
      ),
  );
  server.app.post<{ Params: { integrationId: string } }>(
    '/api/v2/conversations/messages/:integrationId/inbound/open/receipt',
    (request, reply) =>
      server.answer(request, reply, genesysScopes('receipt', request.params.integrationId), () =>
        receipt(state, request, request.params.integrationId),
      ),
  );
  server.app.post<{ Params: { integrationId: string }; Querystring: Record<string, string> }>(
    '/api/v2/conversations/messages/:integrationId/inbound/open/message',
    (request, reply) =>
      server.answer(request, reply, genesysScopes('inbound-message', request.params.integrationId), () =>
        inboundMessage(state, request, request.params.integrationId),
      ),
  );
  server.app.post<{ Params: { integrationId: string } }>(
    '/api/v2/conversations/messages/:integrationId/inbound/open/structured/response',
    (request, reply) =>
      server.answer(request, reply, genesysScopes('structured-response', request.params.integrationId), () =>
        structuredResponse(state, request, request.params.integrationId),
      ),
  );
};
