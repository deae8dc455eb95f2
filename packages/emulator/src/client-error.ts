import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { errorEnvelope } from './envelope';

/**
 * Answers a request Node could not parse (the server's `clientError`) with the error envelope on the
 * raw socket: 431 for oversized headers, else 400; a reset socket is just destroyed.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const reason = status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
  const body = JSON.stringify(
    errorEnvelope(status, { message: 'Malformed HTTP request', code: 'bad_http_request' }),
  );
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-request-id: req_${randomBytes(12).toString('hex')}\r\nconnection: close\r\n\r\n${body}`,
  );
}
