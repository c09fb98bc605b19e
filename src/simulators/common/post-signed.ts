/** What a webhook receiver answered. */
export interface WebhookDelivery {
  status: number;
  headers: Headers;
  body: string;
}

/**
 * POSTs exactly `rawBody` (no re-serialisation: the signature covers these bytes) with an
 * `X-Hub-Signature-256` header, as Meta and Genesys both do.
 */
export const postSignedWebhook = async (
  targetUrl: string,
  rawBody: Buffer,
  signature: string,
  timeoutMs = 10_000,
): Promise<WebhookDelivery> => {
  const response = await fetch(targetUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
    body: rawBody,
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: response.status, headers: response.headers, body: await response.text() };
};

export const toBytes = (body: string | Buffer): Buffer =>
  typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
