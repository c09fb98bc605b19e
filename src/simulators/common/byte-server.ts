import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServedFile {
  status?: number;
  bytes: Buffer;
  contentType?: string;
}

export interface ByteServer {
  url: string;
  /** Every request received (method, path, headers), in order. */
  requests: { method: string; path: string; headers: IncomingHttpHeaders }[];
  close: () => Promise<void>;
}

/**
 * A plain HTTP server on 127.0.0.1 serving fixed bytes per path, e.g. the presigned media link Meta fetches or
 * a host an attachment redirect points to. Unknown paths answer 404.
 */
export const startByteServer = async (files: Record<string, ServedFile>): Promise<ByteServer> => {
  const requests: ByteServer['requests'] = [];
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    requests.push({ method: request.method ?? 'GET', path, headers: request.headers });
    const file = files[path];
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response
      .writeHead(file.status ?? 200, {
        'content-type': file.contentType ?? 'application/octet-stream',
        'content-length': file.bytes.length,
      })
      .end(file.bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};
