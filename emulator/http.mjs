// Response writers for MEP's documented framing (SPEC 2.5, 8).
import { latin1Bytes } from './xml.mjs';

export const SERVER_HEADER = 'Apache-Coyote/1.1';

/** A rejection or failure the route handlers throw; `send` turns it into a response. */
export class MepReply extends Error {
	constructor(status, body, { contentType = 'text/plain', headers = {} } = {}) {
		super(typeof body === 'string' ? body : JSON.stringify(body));
		this.status = status;
		this.body = body;
		this.contentType = contentType;
		this.headers = headers;
	}
}

/**
 * XML success: 200, text/plain, chunked (no Content-Length), ISO-8859-1 bytes. `pieces`: the
 * document as strings (a long list, generated as it is written) or as bytes already rendered, else `xml` whole. `chunkBytes`:
 * the body goes out in pieces of that many bytes, each written once the last one left, a moment
 * apart, so that the client reads them one by one (`onPiece` counts them). `onBytes`: told of
 * each write's bytes (a client that stops reading stops the writing once the socket's buffer fills).
 */
export async function sendXml(res, xml, { pieces, chunkBytes, onPiece, onBytes } = {}) {
	res.writeHead(200, { 'Content-Type': 'text/plain', Server: SERVER_HEADER, 'Transfer-Encoding': 'chunked' });
	for (const text of pieces ?? [xml]) {
		const bytes = Buffer.isBuffer(text) ? text : latin1Bytes(text);
		for (let at = 0; at < bytes.length; at += chunkBytes ?? bytes.length) {
			if (res.destroyed) return;
			const piece = chunkBytes ? bytes.subarray(at, at + chunkBytes) : bytes;
			onPiece?.();
			onBytes?.(piece.length);
			// Waits while the client reads slower than the list is generated (as a server's socket buffer fills).
			if (!res.write(piece)) await drained(res);
			if (chunkBytes) await new Promise((resolve) => setTimeout(resolve, 2));
		}
	}
	res.end();
}

/** Plain text with a Content-Length, e.g. `OK` (Content-Length: 2) or a rejection. */
export function sendText(res, status, text, headers = {}) {
	const bytes = latin1Bytes(text);
	res.writeHead(status, { 'Content-Type': 'text/plain', Server: SERVER_HEADER, 'Content-Length': bytes.length, ...headers });
	res.end(bytes);
}

export function sendJson(res, status, body, headers = {}) {
	const bytes = Buffer.from(body === undefined ? '' : JSON.stringify(body), 'utf8');
	res.writeHead(status, {
		...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
		Server: SERVER_HEADER,
		'Content-Length': bytes.length,
		...headers,
	});
	res.end(bytes);
}

/**
 * MEP's 204 for a missing variable (SPEC 4.15), written to the socket directly: Node's http would
 * drop both the Content-Length and the body of a 204. The head goes out at once; the documented
 * body follows `bodyDelayMs` later unless the client has closed by then (Node, axios and curl
 * close as soon as they have read a 204 head with `Connection: close`, and their parsers would
 * fail on body bytes arriving with the head). A raw client that waits sees every documented byte.
 * The connection is closed afterwards: a client could otherwise read the body as the next response.
 */
export function sendRaw204(res, { reason, text, bodyDelayMs }, withBody) {
	res._mepRawStatus = 204;
	const socket = res.socket;
	if (!socket || socket.destroyed) return;
	const body = Buffer.from(text, 'latin1');
	const head =
		`HTTP/1.1 204 ${reason}\r\n` +
		'Content-Type: text/plain\r\n' +
		`Content-Length: ${body.length}\r\n` +
		`Server: ${SERVER_HEADER}\r\n` +
		`Date: ${new Date().toUTCString()}\r\n` +
		'Connection: close\r\n\r\n';
	socket.write(Buffer.from(head, 'latin1'));
	if (!withBody) {
		socket.end();
		return;
	}
	let done = false;
	const finish = (clientClosed) => {
		if (done) return;
		done = true;
		clearTimeout(timer);
		if (clientClosed || socket.destroyed) socket.destroy();
		else socket.end(body);
	};
	const timer = setTimeout(() => finish(false), bodyDelayMs);
	socket.once('end', () => finish(true));
	socket.once('close', () => finish(true));
}

export function send(res, reply) {
	if (reply.contentType === 'application/json') sendJson(res, reply.status, reply.body, reply.headers);
	else sendText(res, reply.status, reply.body, reply.headers);
}

/** Resolves once the response can take more, or is gone. */
function drained(res) {
	return new Promise((resolve) => {
		const done = () => {
			res.off('drain', done).off('close', done);
			resolve();
		};
		res.on('drain', done).on('close', done);
	});
}
