import { createHash, randomInt } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { everyScope } from '../common/fault-book';
import { bearerToken, type SimulatorAnswer, type SimulatorServer } from '../common/simulator-server';
import { fetchMediaLink } from './media-fetch';
import {
  defaultHttpStatusFor,
  invalidTokenBody,
  metaErrorBody,
  missingTokenBody,
  unknownObjectBody,
} from './meta-error-catalog';
import type { ReadMark, SentMessage, UploadedMedia } from './meta-records';
import { parseMultipart } from './multipart';
import { checkSendBody } from './send-body';
import { freshWamid, waIdFor } from './wamid';

/** What the routes read and write; owned by MetaSimulator. */
export interface MetaRouteState {
  /** phone number id → accepted access tokens */
  tokens: Map<string, Set<string>>;
  sentMessages: SentMessage[];
  readMarks: ReadMark[];
  uploadedMedia: UploadedMedia[];
  mediaFetchTimeoutMs: number;
  maxMediaBytes: number;
  onChange: () => void;
}

export type MetaRoute = 'messages' | 'media';

/** Fault scopes of a request, most specific first: route and phone number, phone number, route, everything. */
export const metaScopes = (route: MetaRoute, phoneNumberId: string): string[] => [
  `${route}:${phoneNumberId}`,
  phoneNumberId,
  `${route}:${everyScope}`,
  everyScope,
];

interface Params {
  version: string;
  phoneNumberId: string;
}

const json = (status: number, body: unknown): SimulatorAnswer => ({ status, body: JSON.stringify(body) });

export const metaError = (code: number, details?: string): SimulatorAnswer =>
  json(defaultHttpStatusFor(code), metaErrorBody(code, details === undefined ? {} : { details }));

/** Graph checks the token before anything else; then whether it may act for this phone number. */
const authorise = (
  state: MetaRouteState,
  request: FastifyRequest,
  phoneNumberId: string,
): SimulatorAnswer | undefined => {
  const token = bearerToken(request);
  if (token === undefined) return json(400, missingTokenBody());
  const accepted = state.tokens.get(phoneNumberId);
  if (accepted?.has(token)) return undefined;
  // A token Graph knows, used for a phone number it cannot reach, is a permission problem (code 100,
  // subcode 33), not a bad token.
  const knownAnywhere = [...state.tokens.values()].some((tokens) => tokens.has(token));
  return knownAnywhere ? json(400, unknownObjectBody(phoneNumberId)) : invalidToken();
};

const invalidToken = (): SimulatorAnswer => ({
  ...json(401, invalidTokenBody()),
  // Graph's 401s carry this header too.
  headers: { 'www-authenticate': 'OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token"' },
});

const parseJson = (body: unknown): unknown => {
  if (!Buffer.isBuffer(body)) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
};

const sendMessage = async (
  state: MetaRouteState,
  request: FastifyRequest,
  phoneNumberId: string,
): Promise<SimulatorAnswer> => {
  const refused = authorise(state, request, phoneNumberId);
  if (refused) return refused;
  const body = parseJson(request.body);
  if (isStatusBody(body)) return markRead(state, body, phoneNumberId);
  const check = checkSendBody(body);
  if (!check.ok) return metaError(100, check.details);
  const { send } = check;

  let media: SentMessage['media'];
  if (send.media?.id !== undefined && !state.uploadedMedia.some((upload) => upload.id === send.media?.id))
    return metaError(100, `Param ${send.type}.id: not a valid media id for this phone number`);
  if (send.media?.link !== undefined) {
    // Meta fetches link-based media itself; a link it cannot fetch fails the message with 131053.
    media = await fetchMediaLink(send.media.link, state.mediaFetchTimeoutMs, state.maxMediaBytes);
    if (!media.ok)
      return metaError(
        131053,
        `Downloading media from weblink failed with ${media.status === undefined ? 'a network error' : `http code ${media.status}`}`,
      );
  }

  const waId = send.userId === undefined ? waIdFor(send.to) : '';
  const wamid = freshWamid(send.userId ?? waId);
  state.sentMessages.push({
    wamid,
    phoneNumberId,
    to: send.to,
    waId,
    ...(send.userId === undefined ? {} : { userId: send.userId }),
    type: send.type,
    body: body as Record<string, unknown>,
    ...(send.bizOpaqueCallbackData === undefined
      ? {}
      : { bizOpaqueCallbackData: send.bizOpaqueCallbackData }),
    ...(media === undefined ? {} : { media }),
    receivedAt: new Date(),
  });
  state.onChange();
  // The shape of fixtures/meta/send-response.json.
  return json(200, {
    messaging_product: 'whatsapp',
    // A send by business-scoped user id is answered with `user_id` and no `wa_id`.
    contacts: [
      send.userId === undefined ? { input: send.to, wa_id: waId } : { input: send.to, user_id: send.userId },
    ],
    messages: [{ id: wamid }],
  });
};

const isStatusBody = (body: unknown): body is Record<string, unknown> =>
  typeof body === 'object' && body !== null && 'status' in body;

/** Meta's "mark as read" (and typing indicator) call shares the messages route; it answers `{success: true}`. */
const markRead = (
  state: MetaRouteState,
  body: Record<string, unknown>,
  phoneNumberId: string,
): SimulatorAnswer => {
  if (body.messaging_product !== 'whatsapp')
    return metaError(100, 'Param messaging_product: must be whatsapp');
  if (body.status !== 'read') return metaError(100, 'Param status: must be read');
  const messageId = body.message_id;
  if (typeof messageId !== 'string' || messageId.length === 0)
    return metaError(100, 'Param message_id is required');
  const typing = body.typing_indicator;
  let typingIndicator: string | undefined;
  if (typing !== undefined) {
    const type = (typing as { type?: unknown } | null)?.type;
    if (type !== 'text') return metaError(100, 'Param typing_indicator.type: must be text');
    typingIndicator = type;
  }
  state.readMarks.push({
    phoneNumberId,
    messageId,
    ...(typingIndicator === undefined ? {} : { typingIndicator }),
    receivedAt: new Date(),
  });
  state.onChange();
  return json(200, { success: true });
};

const uploadMedia = async (
  state: MetaRouteState,
  request: FastifyRequest,
  phoneNumberId: string,
): Promise<SimulatorAnswer> => {
  const refused = authorise(state, request, phoneNumberId);
  if (refused) return refused;
  const contentType = request.headers['content-type'] ?? '';
  const form =
    Buffer.isBuffer(request.body) && contentType.startsWith('multipart/form-data')
      ? await parseMultipart(request.body, contentType)
      : undefined;
  if (!form) return metaError(100, 'Param file: a multipart/form-data body is required');
  if (form.fields.messaging_product !== 'whatsapp')
    return metaError(100, 'Param messaging_product: must be whatsapp');
  const file = form.files.file;
  if (!file) return metaError(100, 'Param file is required');
  const type = form.fields.type;
  if (!type) return metaError(100, 'Param type is required');

  // Meta media ids are long decimal numbers.
  const id = `${randomInt(1e9, 9e9)}${randomInt(1e6, 9e6)}`;
  state.uploadedMedia.push({
    id,
    phoneNumberId,
    type,
    filename: file.filename,
    contentType: file.contentType,
    bytes: file.bytes,
    size: file.bytes.length,
    sha256: createHash('sha256').update(file.bytes).digest('hex'),
    receivedAt: new Date(),
  });
  state.onChange();
  return json(200, { id });
};

export const registerMetaRoutes = (server: SimulatorServer, state: MetaRouteState): void => {
  server.app.post<{ Params: Params }>('/:version/:phoneNumberId/messages', (request, reply) =>
    server.answer(request, reply, metaScopes('messages', request.params.phoneNumberId), () =>
      sendMessage(state, request, request.params.phoneNumberId),
    ),
  );
  server.app.post<{ Params: Params }>('/:version/:phoneNumberId/media', (request, reply) =>
    server.answer(request, reply, metaScopes('media', request.params.phoneNumberId), () =>
      uploadMedia(state, request, request.params.phoneNumberId),
    ),
  );
  server.app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) =>
    reply
      .code(400)
      .header('content-type', 'application/json; charset=UTF-8')
      .send(
        JSON.stringify(
          metaErrorBody(2500, { message: `Unknown path components: ${request.url.split('?')[0]}` }),
        ),
      ),
  );
};
