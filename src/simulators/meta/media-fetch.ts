import { createHash } from 'node:crypto';

/** One attempt of the simulator to fetch a media `link`, as Meta does before delivering link-based media. */
export interface MediaFetch {
  link: string;
  /** HTTP status, when an answer arrived. */
  status?: number;
  ok: boolean;
  length?: number;
  sha256?: string;
  contentType?: string;
  /** Why the fetch failed (network error, status, size). */
  failure?: string;
}

/**
 * GETs the link without credentials, like Meta's media fetcher (a presigned URL must work on its own), and
 * fingerprints the bytes so tests can prove Meta would have received exactly what was stored.
 */
export const fetchMediaLink = async (
  link: string,
  timeoutMs: number,
  maxBytes: number,
): Promise<MediaFetch> => {
  let response: Response;
  try {
    response = await fetch(link, { method: 'GET', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    return { link, ok: false, failure: error instanceof Error ? error.message : 'fetch failed' };
  }
  const contentType = response.headers.get('content-type') ?? undefined;
  let bytes: Buffer;
  try {
    bytes = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    return {
      link,
      status: response.status,
      ok: false,
      failure: error instanceof Error ? error.message : 'read failed',
    };
  }
  const fingerprint = {
    length: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    ...(contentType === undefined ? {} : { contentType }),
  };
  if (!response.ok)
    return { link, status: response.status, ok: false, failure: `HTTP ${response.status}`, ...fingerprint };
  if (bytes.length > maxBytes)
    return {
      link,
      status: response.status,
      ok: false,
      failure: `larger than ${maxBytes} bytes`,
      ...fingerprint,
    };
  return { link, status: response.status, ok: true, ...fingerprint };
};
