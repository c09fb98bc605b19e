/**
 * Which attachment URLs the bridge may fetch. An attachment URL arrives inside a webhook body, so without this
 * check anyone able to get a webhook through could make the bridge fetch internal addresses (server-side request
 * forgery) and forward the result to WhatsApp.
 */
export type UrlCheck =
  | {
      ok: true;
      /** The URL as given (or as redirected to): what the allowlist was checked against. */
      checked: URL;
      /** Where the request actually goes: the same URL, or its path and query on the override origin. */
      requestUrl: string;
    }
  | { ok: false; reason: string };

/**
 * Longest URL fetched, in characters. Signed download URLs (S3 with a session token) run to a few kB; a URL far
 * longer is not Genesys', and fetching it would carry an attacker's megabytes to the host (or be cut by a proxy).
 */
export const MAX_ATTACHMENT_URL_LENGTH = 8192;

const normalise = (hosts: readonly string[]): Set<string> =>
  new Set(hosts.map((host) => host.trim().toLowerCase()).filter(Boolean));

/**
 * `originOverride` (simulators only) sends the request to another origin with the same path and query, like
 * `curl --connect-to`: the allowlist is still checked on the URL as given, so tests can use real Genesys URLs.
 */
export const checkAttachmentUrl = (
  url: string | URL,
  allowedHosts: readonly string[],
  originOverride?: string,
): UrlCheck => {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return { ok: false, reason: 'attachment URL is not a URL' };
  }
  if (parsed.href.length > MAX_ATTACHMENT_URL_LENGTH)
    return { ok: false, reason: `URL longer than ${MAX_ATTACHMENT_URL_LENGTH} characters` };
  const httpAllowed = originOverride !== undefined;
  if (parsed.protocol !== 'https:' && !(httpAllowed && parsed.protocol === 'http:'))
    return { ok: false, reason: `scheme ${parsed.protocol} is not allowed (https only)` };
  if (parsed.username || parsed.password)
    return { ok: false, reason: 'credentials in the URL are not allowed' };
  // `host` keeps a non-default port: api-downloads.x:8443 is not api-downloads.x.
  if (!normalise(allowedHosts).has(parsed.host))
    return { ok: false, reason: `host ${parsed.host} is not an allowed Genesys download host` };
  const requestUrl =
    originOverride === undefined
      ? parsed.href
      : `${overrideOrigin(originOverride)}${parsed.pathname}${parsed.search}`;
  return { ok: true, checked: parsed, requestUrl };
};

const overrideOrigin = (value: string): string => {
  const origin = new URL(value);
  // Configuration, not input: a bad override is a programming error in a test or the sandbox wiring.
  if (origin.protocol !== 'http:' && origin.protocol !== 'https:')
    throw new RangeError('originOverride must be an http(s) origin');
  return origin.origin;
};
