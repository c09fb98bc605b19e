import { discardBody, readCapped } from '../http/read-capped';
import { checkAttachmentUrl } from './attachment-url-policy';
import type { GenesysError } from './genesys-error';
import { genesysErrorFrom } from './genesys-answer';
import { genesysNetworkError } from './network-error';

export interface DownloadAttachmentRequest {
  /** The attachment URL exactly as the webhook gave it. */
  url: string;
  accessToken: string;
  /** Exact hosts (host[:port]) attachments may come from, e.g. api-downloads.mypurecloud.ie. */
  allowedHosts: readonly string[];
  /** Simulators only: send the request to this origin instead (same path and query). */
  originOverride?: string;
  maxBytes: number;
  timeoutMs: number;
}

export type DownloadAttachmentResult =
  { ok: true; bytes: Buffer; mime: string; size: number } | { ok: false; error: GenesysError };

/**
 * `GET /api/v2/downloads/{id}` answers with a redirect to a signed URL by default (Genesys Platform API,
 * Downloads: `issueRedirect` defaults to true), so a few hops are followed by hand, each one checked against the
 * allowlist like the first.
 */
const maxRedirects = 3;
const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/**
 * Downloads an attachment from Genesys. The URL is checked before anything is sent; redirects are followed only
 * to allowed hosts; the body is read up to `maxBytes`. The bearer token is sent to the webhook's own host only,
 * never along a redirect to another host (a signed URL needs none, and the token must not travel further).
 */
export const downloadAttachment = async (
  request: DownloadAttachmentRequest,
): Promise<DownloadAttachmentResult> => {
  const what = 'Genesys attachment download';
  const first = checkAttachmentUrl(request.url, request.allowedHosts, request.originOverride);
  if (!first.ok) return forbidden(what, first.reason);

  const signal = AbortSignal.timeout(request.timeoutMs);
  let target = first;
  for (let hop = 0; ; hop += 1) {
    const withToken = target.checked.host === first.checked.host;
    let response: Response;
    try {
      response = await fetch(target.requestUrl, {
        method: 'GET',
        headers: withToken ? { authorization: `Bearer ${request.accessToken}` } : {},
        signal,
        redirect: 'manual',
      });
    } catch (error) {
      return { ok: false, error: genesysNetworkError(what, error, request.timeoutMs) };
    }

    if (redirectStatuses.has(response.status)) {
      await discardBody(response);
      const location = response.headers.get('location');
      if (location === null)
        return {
          ok: false,
          error: {
            kind: 'permanent',
            httpStatus: response.status,
            title: `${what}: redirect without a Location`,
          },
        };
      if (hop >= maxRedirects)
        return {
          ok: false,
          error: { kind: 'permanent', httpStatus: response.status, title: `${what}: too many redirects` },
        };
      // A relative Location resolves against the URL as given, not against the override origin.
      const next = checkAttachmentUrl(
        resolveLocation(location, target.checked),
        request.allowedHosts,
        request.originOverride,
      );
      if (!next.ok) return forbidden(what, `redirected: ${next.reason}`);
      target = next;
      continue;
    }

    if (!response.ok)
      return { ok: false, error: await genesysErrorFrom(response, what, [request.accessToken]) };

    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (Number.isFinite(declared) && declared > request.maxBytes) {
      await discardBody(response);
      return tooLarge(what, request.maxBytes);
    }
    let bytes: Buffer | undefined;
    try {
      bytes = await readCapped(response, request.maxBytes);
    } catch (error) {
      return { ok: false, error: genesysNetworkError(what, error, request.timeoutMs) };
    }
    if (bytes === undefined) return tooLarge(what, request.maxBytes);
    const mime = (response.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]!.trim();
    return { ok: true, bytes, mime, size: bytes.length };
  }
};

/** An unreadable Location is handed on as is: the URL check then refuses it as "not a URL". */
const resolveLocation = (location: string, base: URL): string => {
  try {
    return new URL(location, base).href;
  } catch {
    return location;
  }
};

const forbidden = (what: string, reason: string): DownloadAttachmentResult => ({
  ok: false,
  error: { kind: 'forbidden-host', title: `${what} refused: ${reason}` },
});

const tooLarge = (what: string, maxBytes: number): DownloadAttachmentResult => ({
  ok: false,
  error: { kind: 'too-large', title: `${what}: larger than ${maxBytes} bytes` },
});
