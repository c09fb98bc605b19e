/**
 * Reads a response body into memory, stopping as soon as it grows past `maxBytes` so a huge or endless body
 * cannot exhaust memory. Returns undefined when the cap was exceeded (the stream is cancelled).
 */
export const readCapped = async (response: Response, maxBytes: number): Promise<Buffer | undefined> => {
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
  return Buffer.concat(chunks, size);
};

/** Reads a small body (an error answer) as text, never more than `maxBytes`. */
export const readTextCapped = async (response: Response, maxBytes = 64 * 1024): Promise<string> => {
  const bytes = await readCapped(response, maxBytes);
  return bytes === undefined ? '' : bytes.toString('utf8');
};

/** Discards a body we do not need so undici can reuse the connection. */
export const discardBody = async (response: Response): Promise<void> => {
  await response.body?.cancel().catch(() => undefined);
};
