import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { everyScope } from '../common/fault-book';
import { bearerToken, type SimulatorAnswer, type SimulatorServer } from '../common/simulator-server';
import { invalidTokenBody, metaErrorBody, missingTokenBody } from './meta-error-catalog';

/** Media a simulated customer sent, as Meta holds it until the business downloads it. */
export interface InboundMedia {
  id: string;
  bytes: Buffer;
  mimeType: string;
  sha256: string;
  /** The business phone number the media was sent to; its tokens may look it up and download it. */
  phoneNumberId?: string;
  /** Lookups state this size instead of the real one (a lie, to test the download-side cap). */
  declaredFileSize?: number;
  /** Serve without Content-Length (chunked), so only the bytes themselves reveal the size. */
  chunked?: boolean;
}

export interface AddMediaOptions {
  phoneNumberId?: string;
  declaredFileSize?: number;
  chunked?: boolean;
}

/** What the media routes read and write; owned by MetaSimulator. */
export interface MediaRouteState {
  tokens: Map<string, Set<string>>;
  media: Map<string, InboundMedia>;
  /** Download URL hash → which media it serves and until when (epoch ms). */
  urls: Map<string, { mediaId: string; expiresAt: number }>;
  /** How long a looked-up URL stays valid (Meta: 5 minutes). */
  urlTtlMs: number;
  /** The next this many lookups hand out a URL that has already expired. */
  expireNextUrls: number;
  now: () => number;
}

/** The path Meta's CDN serves media under (lookaside.fbsbx.com/whatsapp_business/attachments/?mid=…). */
export const MEDIA_DOWNLOAD_PATH = '/whatsapp_business/attachments/';

export type MediaRoute = 'media-lookup' | 'media-download';

const scopesFor = (route: MediaRoute, media: InboundMedia | undefined): string[] =>
  media?.phoneNumberId === undefined
    ? [`${route}:${everyScope}`, everyScope]
    : [`${route}:${media.phoneNumberId}`, media.phoneNumberId, `${route}:${everyScope}`, everyScope];

const json = (status: number, body: unknown): SimulatorAnswer => ({ status, body: JSON.stringify(body) });

const invalidToken = (): SimulatorAnswer => ({
  ...json(401, invalidTokenBody()),
  headers: { 'www-authenticate': 'OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token"' },
});

/** Graph's answer for an id the token cannot see: the media's existence is not revealed to a stranger. */
const unknownObject = (id: string): SimulatorAnswer =>
  json(
    400,
    metaErrorBody(100, {
      type: 'GraphMethodException',
      subcode: 33,
      message: `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
      details: undefined,
    }),
  );

const knownToken = (state: MediaRouteState, token: string): boolean =>
  [...state.tokens.values()].some((tokens) => tokens.has(token));

/** A token may reach media sent to a phone number it is accepted for (any known token for unscoped media). */
const mayReach = (state: MediaRouteState, token: string, media: InboundMedia): boolean =>
  media.phoneNumberId === undefined
    ? knownToken(state, token)
    : (state.tokens.get(media.phoneNumberId)?.has(token) ?? false);

const lookup = (
  state: MediaRouteState,
  server: SimulatorServer,
  request: FastifyRequest<{ Params: { mediaId: string }; Querystring: { phone_number_id?: string } }>,
): SimulatorAnswer => {
  const token = bearerToken(request);
  if (token === undefined) return json(400, missingTokenBody());
  if (!knownToken(state, token)) return invalidToken();
  const { mediaId } = request.params;
  const media = state.media.get(mediaId);
  const askedFor = request.query.phone_number_id;
  if (!media || !mayReach(state, token, media)) return unknownObject(mediaId);
  if (askedFor !== undefined && media.phoneNumberId !== undefined && askedFor !== media.phoneNumberId)
    return unknownObject(mediaId);

  const hash = randomBytes(16).toString('hex');
  let expiresAt = state.now() + state.urlTtlMs;
  if (state.expireNextUrls > 0) {
    state.expireNextUrls -= 1;
    expiresAt = state.now() - 1;
  }
  state.urls.set(hash, { mediaId, expiresAt });
  const url = new URL(MEDIA_DOWNLOAD_PATH, server.url);
  url.searchParams.set('mid', mediaId);
  url.searchParams.set('ext', String(Math.floor(expiresAt / 1000)));
  url.searchParams.set('hash', hash);
  // Cloud API media reference, "Retrieve media URL".
  return json(200, {
    messaging_product: 'whatsapp',
    url: url.href,
    mime_type: media.mimeType,
    sha256: media.sha256,
    file_size: media.declaredFileSize ?? media.bytes.length,
    id: media.id,
  });
};

const download = (
  state: MediaRouteState,
  request: FastifyRequest<{ Querystring: { hash?: string } }>,
): SimulatorAnswer => {
  const ticket = state.urls.get(request.query.hash ?? '');
  const media = ticket === undefined ? undefined : state.media.get(ticket.mediaId);
  const token = bearerToken(request);
  if (token === undefined || !media || !mayReach(state, token, media))
    // The CDN says nothing about the media to a request without the right bearer.
    return { status: 401, body: 'Unauthorized', headers: { 'content-type': 'text/plain' } };
  if (ticket!.expiresAt <= state.now())
    return { status: 404, body: 'URL signature expired', headers: { 'content-type': 'text/plain' } };
  return {
    status: 200,
    body: media.chunked === true ? Readable.from([media.bytes]) : media.bytes,
    headers: { 'content-type': media.mimeType },
  };
};

export const newInboundMedia = (
  mediaId: string,
  bytes: Buffer,
  mimeType: string,
  options: AddMediaOptions,
): InboundMedia => ({
  id: mediaId,
  bytes,
  mimeType,
  sha256: createHash('sha256').update(bytes).digest('hex'),
  ...options,
});

export const registerMediaRoutes = (server: SimulatorServer, state: MediaRouteState): void => {
  server.app.get<{ Querystring: { hash?: string } }>(MEDIA_DOWNLOAD_PATH, (request, reply) => {
    const ticket = state.urls.get(request.query.hash ?? '');
    const media = ticket === undefined ? undefined : state.media.get(ticket.mediaId);
    return server.answer(request, reply, scopesFor('media-download', media), () => download(state, request));
  });
  server.app.get<{ Params: { version: string; mediaId: string }; Querystring: { phone_number_id?: string } }>(
    '/:version/:mediaId',
    (request, reply) =>
      server.answer(request, reply, scopesFor('media-lookup', state.media.get(request.params.mediaId)), () =>
        lookup(state, server, request),
      ),
  );
};
