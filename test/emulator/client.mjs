// A raw HTTP client for the emulator tests: exact status, headers and bytes.
import http from 'node:http';
import net from 'node:net';

export const DEMO = { username: 'demo', password: 'Mep-Demo-Pa55&word' };

export function request(url, { method = 'GET', headers = {}, body, timeoutMs = 10_000 } = {}) {
	return new Promise((resolve, reject) => {
		const req = http.request(url, { method, headers, agent: false }, (res) => {
			const chunks = [];
			res.on('data', (chunk) => chunks.push(chunk));
			res.on('end', () => {
				const bytes = Buffer.concat(chunks);
				resolve({ status: res.statusCode, statusMessage: res.statusMessage, headers: res.headers, bytes, text: bytes.toString('latin1'), reads: chunks.length });
			});
			res.on('error', reject);
		});
		req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
		req.on('error', reject);
		if (body !== undefined) req.write(body);
		req.end();
	});
}

/** GET a cmx2api route with query parameters (the demo login unless `login` says otherwise). */
export function mep(emulator, path, params = {}, login = DEMO) {
	const all = Object.entries({ ...(login ?? {}), ...params }).filter(([, value]) => value !== undefined);
	const query = new URLSearchParams(all);
	return request(`${emulator.baseUrl}${path}?${query}`);
}

/** The element skeleton of an XML document: tags kept, text (or its absence, <x/>) as "…". */
export function skeleton(xml) {
	return xml
		.trim()
		.split('\n')
		.map((line) => line.replace(/>[^<]+</, '>…<').replace(/<([A-Za-z]+)\/>/, '<$1>…</$1>'));
}

/** Writes `text` on a raw TCP connection and resolves with every byte the server sends until it closes. */
export function rawRequest(port, text, { timeoutMs = 10_000 } = {}) {
	return new Promise((resolve, reject) => {
		const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
		const chunks = [];
		socket.setTimeout(timeoutMs, () => socket.destroy(new Error('timeout')));
		socket.on('data', (chunk) => chunks.push(chunk));
		socket.on('end', () => resolve(Buffer.concat(chunks)));
		socket.on('error', reject);
	});
}
