import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorBody } from './api-error.js';

/** What Node's HTTP parser refuses before any route runs, as Node itself would answer it. */
const PARSER_ERRORS: Record<string, { status: number; reason: string; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: 'Request Header Fields Too Large',
    code: 'headers_too_large',
    message: 'the request line and headers may be at most 16 KiB',
  },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: {
    status: 413,
    reason: 'Payload Too Large',
    code: 'entity.too.large',
    message: 'chunk extensions too large',
  },
  HPE_HEADERS_TIMEOUT: {
    status: 408,
    reason: 'Request Timeout',
    code: 'request_timeout',
    message: 'the request headers took too long',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    reason: 'Request Timeout',
    code: 'request_timeout',
    message: 'the request took too long',
  },
};

const BAD_REQUEST = {
  status: 400,
  reason: 'Bad Request',
  code: 'bad_request',
  message: 'malformed HTTP request',
};

/**
 * Requests Node's parser refuses (a URL over 16 KiB, malformed framing) get the API's JSON error
 * body instead of Node's empty one, with the same status Node would answer. As Node does, it
 * answers only when no response is in flight on the connection (else it would corrupt it).
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const e = PARSER_ERRORS[err.code ?? ''] ?? BAD_REQUEST;
    const body: ErrorBody = { error: { code: e.code, message: e.message } };
    const text = JSON.stringify(body);
    socket.end(
      `HTTP/1.1 ${e.status} ${e.reason}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(text)}\r\n` +
        'Connection: close\r\n\r\n' +
        text,
    );
  });
}
