import { describeNetworkFailure } from '../http/network-failure';
import { discardBody, readCapped } from '../http/read-capped';
import { parseRetryAfter } from '../http/retry-after';
import { checkMediaUrl } from './media-url-policy';

export interface DownloadMediaRequest {
  /** The URL from the media lookup. */
  url: string;
  /** The tenant's WhatsApp token: Meta's CDN requires the bearer on the download too. */
  accessToken: string;
  /** Refused before the transfer when announced larger, aborted during it when more arrives. */
  maxBytes: number;
  /** For the whole download, body included. */
  timeoutMs: number;
  /** Simulators only (see simulatorOriginFor): URLs on this origin are accepted besides Meta's CDN. */
  simulatorOrigin?: string;
  /** What the lookup said the size is; over `maxBytes` refuses before any request is sent. */
  expectedSize?: number;
}

/**
 * - `forbidden-url`: the URL is not Meta's (or a redirect left Meta): nothing was, or will be, fetched from it.
 * - `too-large`: over `maxBytes`, announced or actually sent.
 * - `unavailable`: 401/403/404/410: the 5-minute URL expired, or the CDN refused us; a fresh lookup may help.
 * - `transient`: 429, 5xx, timeout, network failure, a body cut short: the same URL may work later.
 * - `permanent`: any other answer; asking again will not change it.
 */
export type MediaDownloadErrorKind =
  'forbidden-url' | 'too-large' | 'unavailable' | 'transient' | 'permanent';

export interface MediaDownloadError {
  kind: MediaDownloadErrorKind;
  httpStatus?: number;
  /** Person-readable; never contains the token or the signed URL. */
  title: string;
  retryAfterMs?: number;
}

export type DownloadMediaResult =
  { ok: true; bytes: Buffer; mimeType: string; size: number } | { ok: false; error: MediaDownloadError };

const maxRedirects = 3;
const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const unavailableStatuses = new Set([401, 403, 404, 410]);

const failure = (kind: MediaDownloadErrorKind, title: string, httpStatus?: number): DownloadMediaResult => ({
  ok: false,
  error: { kind, title, ...(httpStatus === undefined ? {} : { httpStatus }) },
});

/**
 * Downloads media bytes from Meta's CDN. The URL is checked before anything is sent, redirects are followed by
 * hand and only to allowed URLs, and the bearer token goes to the lookup URL's own origin only, never along a
 * redirect elsewhere. Bytes are read as they arrive and the transfer is cancelled the moment the cap is passed.
 */
export const downloadMedia = async (request: DownloadMediaRequest): Promise<DownloadMediaResult> => {
  const what = 'Meta media download';
  if (request.expectedSize !== undefined && request.expectedSize > request.maxBytes)
    return failure(
      'too-large',
      `${what}: ${request.expectedSize} bytes is over the ${request.maxBytes} byte limit`,
    );
  const first = checkMediaUrl(request.url, request.simulatorOrigin);
  if (!first.ok) return failure('forbidden-url', `${what} refused: ${first.reason}`);

  const signal = AbortSignal.timeout(request.timeoutMs);
  let target = first.url;
  for (let hop = 0; ; hop += 1) {
    const withToken = target.origin === first.url.origin;
    let response: Response;
    try {
      response = await fetch(target, {
        method: 'GET',
        headers: withToken ? { authorization: `Bearer ${request.accessToken}` } : {},
        signal,
        redirect: 'manual',
      });
    } catch (error) {
      return failure('transient', `${what}: ${describeNetworkFailure(error, request.timeoutMs)}`);
    }

    if (redirectStatuses.has(response.status)) {
      await discardBody(response);
      const location = response.headers.get('location');
      if (location === null)
        return failure('permanent', `${what}: redirect without a Location`, response.status);
      if (hop >= maxRedirects) return failure('permanent', `${what}: too many redirects`, response.status);
      let next: URL | string;
      try {
        next = new URL(location, target);
      } catch {
        next = location;
      }
      const checked = checkMediaUrl(next, request.simulatorOrigin);
      if (!checked.ok) return failure('forbidden-url', `${what} refused: redirected: ${checked.reason}`);
      target = checked.url;
      continue;
    }

    if (!response.ok) {
      await discardBody(response);
      const status = response.status;
      if (unavailableStatuses.has(status))
        return failure('unavailable', `${what}: HTTP ${status} (URL expired or access refused)`, status);
      if (status === 429 || status >= 500) {
        const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
        return {
          ok: false,
          error: {
            kind: 'transient',
            httpStatus: status,
            title: `${what}: HTTP ${status}`,
            ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
          },
        };
      }
      return failure('permanent', `${what}: HTTP ${status}`, status);
    }

    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (Number.isFinite(declared) && declared > request.maxBytes) {
      await discardBody(response);
      return failure(
        'too-large',
        `${what}: announced ${declared} bytes, over the ${request.maxBytes} byte limit`,
      );
    }
    let bytes: Buffer | undefined;
    try {
      bytes = await readCapped(response, request.maxBytes);
    } catch (error) {
      return failure(
        'transient',
        `${what}: body cut short (${describeNetworkFailure(error, request.timeoutMs)})`,
      );
    }
    if (bytes === undefined)
      return failure('too-large', `${what}: more than ${request.maxBytes} bytes sent, transfer aborted`);
    const mimeType = (response.headers.get('content-type') ?? 'application/octet-stream')
      .split(';')[0]!
      .trim();
    return { ok: true, bytes, mimeType, size: bytes.length };
  }
};
