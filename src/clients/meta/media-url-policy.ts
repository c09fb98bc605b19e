/**
 * Which media download URLs the bridge may fetch with a tenant's WhatsApp token. The URL comes from Meta's lookup
 * answer, but the token it is fetched with can send messages on the tenant's behalf: it must never travel to a
 * host that is not Meta's media CDN, and a URL pointing at an internal address must not be fetched at all
 * (server-side request forgery through a tampered or spoofed lookup answer).
 */
export type MediaUrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

/**
 * Hosts Meta serves Cloud API media from. Source: the Cloud API media reference ("Retrieve media URL" answers a
 * `https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=…` URL).
 */
export const META_MEDIA_HOSTS: readonly string[] = ['lookaside.fbsbx.com'];

/** A signed CDN URL is a few hundred characters; one far longer is not Meta's. */
export const MAX_MEDIA_URL_LENGTH = 4096;

const loopbackHost = (hostname: string): boolean =>
  hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);

/**
 * The simulator origin media URLs may also come from: the Graph URL's own origin when it is a loopback address
 * (the Meta simulator serves lookups and downloads itself), otherwise none. Derived from configuration, so a
 * production deployment (META_GRAPH_URL unset or https://graph.facebook.com) can never widen the allowlist.
 */
export const simulatorOriginFor = (graphUrl: string): string | undefined => {
  try {
    const parsed = new URL(graphUrl);
    return loopbackHost(parsed.hostname) ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
};

export const checkMediaUrl = (url: string | URL, simulatorOrigin?: string): MediaUrlCheck => {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return { ok: false, reason: 'media URL is not a URL' };
  }
  if (parsed.href.length > MAX_MEDIA_URL_LENGTH)
    return { ok: false, reason: `URL longer than ${MAX_MEDIA_URL_LENGTH} characters` };
  if (parsed.username || parsed.password)
    return { ok: false, reason: 'credentials in the URL are not allowed' };
  if (simulatorOrigin !== undefined && parsed.origin === simulatorOrigin) return { ok: true, url: parsed };
  if (parsed.protocol !== 'https:')
    return { ok: false, reason: `scheme ${parsed.protocol} is not allowed (https only)` };
  // `host` keeps a non-default port: lookaside.fbsbx.com:8443 is not Meta's CDN.
  if (!META_MEDIA_HOSTS.includes(parsed.host.toLowerCase()))
    return { ok: false, reason: `host ${parsed.host} is not a Meta media host` };
  return { ok: true, url: parsed };
};
