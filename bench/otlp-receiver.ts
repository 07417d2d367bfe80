import http from 'node:http';

/**
 * A local OTLP/HTTP endpoint for `npm run bench -- --tracing`: it reads every export and answers 200,
 * so the children pay the whole cost of tracing (spans, batching, serialising, sending) and nothing
 * is kept. Counts what it received, for the log.
 */
export async function startOtlpReceiver(): Promise<{ url: string; received: () => { requests: number; bytes: number } }> {
  let requests = 0;
  let bytes = 0;
  const server = http.createServer((request, response) => {
    request.on('data', (chunk: Buffer) => (bytes += chunk.length));
    request.on('end', () => {
      requests += 1;
      response.writeHead(200, { 'content-type': request.headers['content-type'] ?? 'application/x-protobuf' }).end();
    });
  });
  server.unref();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, received: () => ({ requests, bytes }) };
}
