// The MEP emulator: one HTTP server on 127.0.0.1 serving the cmx2api routes at its root and
// Invoke Service under /servicemanager (production) and /servicemanager-cie (CIE), plus a small
// admin API under /_emulator/ (a path MEP does not use).
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { handleAdmin } from './admin.mjs';
import { INVOKE, REJECTIONS, SUCCESS } from './assumptions.mjs';
import { FaultPlan, serveFault, serveRateLimited } from './faults.mjs';
import { MepReply, send, sendJson, sendRaw204, sendText, sendXml } from './http.mjs';
import { broadcastRoutes } from './routes/broadcast.mjs';
import { injectRoutes } from './routes/inject.mjs';
import { invokeService } from './routes/invoke.mjs';
import { subscriptionRoutes } from './routes/subscription.mjs';
import { variableRoutes } from './routes/variable.mjs';
import { changeMembers, createState, loadSeed, publicState, textStop } from './state.mjs';

export const DEMO_SEED = path.join(path.dirname(fileURLToPath(import.meta.url)), 'seeds/demo.json');
/** Every cmx2api path, exactly as MEP spells it (case-sensitive: `/InjectMessage`). */
export const CMX_ROUTES = { ...subscriptionRoutes, ...broadcastRoutes, ...variableRoutes, ...injectRoutes };
/** The route name of Invoke Service in fault rules and stats, whichever base URL was used. */
export const INVOKE_ROUTE = '/service/v1/invokeService';
export const MEP_ROUTES = [...Object.keys(CMX_ROUTES), INVOKE_ROUTE];
const INVOKE_PATH = /^(?:\/(servicemanager|servicemanager-cie))?\/service\/v1\/invokeService\/([^/]+)$/;
const REQUEST_LOG_LIMIT = 10_000;

/**
 * The raw query string with every `password` value replaced by `***`. Parameter names are decoded
 * before comparing, so `pass%77ord=…` (which MEP would read as `password`) is caught too.
 */
export function redactQuery(raw) {
	if (!raw) return '';
	return raw
		.split('&')
		.map((part) => {
			const eq = part.indexOf('=');
			const rawName = eq === -1 ? part : part.slice(0, eq);
			let name = rawName;
			try {
				name = decodeURIComponent(rawName.replace(/\+/g, ' '));
			} catch {
				// a malformed escape: compare the raw name
			}
			return name.trim().toLowerCase() === 'password' ? `${rawName}=***` : part;
		})
		.join('&');
}

/** The MEP username a request logs in with, for fault rules with `login`: Invoke Service's Basic user, else cmx2api's `username` parameter. */
function loginOf(req, url, invoke) {
	if (!invoke) return url.searchParams.get('username') ?? undefined;
	const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
	if (!basic) return undefined;
	const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
	return decoded.includes(':') ? decoded.slice(0, decoded.indexOf(':')) : undefined;
}

function safeDecode(text) {
	try {
		return decodeURIComponent(text);
	} catch {
		return text;
	}
}

/** The median number of requests in flight over the time there were any (0 when never). */
function busyMedian(timeAt) {
	const busy = [...timeAt.entries()].filter(([count, ms]) => count > 0 && ms > 0).sort((a, b) => a[0] - b[0]);
	const total = busy.reduce((sum, [, ms]) => sum + ms, 0);
	let sum = 0;
	for (const [count, ms] of busy) {
		sum += ms;
		if (sum >= total / 2) return count;
	}
	return 0;
}

/** A self-signed certificate for the emulator's address (and localhost), made anew at each start: no key is ever kept. */
async function selfSignedCertificate(host) {
	// A dev dependency, loaded only for --tls so that the emulator runs on built-ins otherwise.
	const { generate } = await import('selfsigned');
	const ip = /^[\d.]+$|:/.test(host);
	const notAfterDate = new Date(Date.now() + 7 * 24 * 3600 * 1000);
	return generate([{ name: 'commonName', value: host }], {
		keyType: 'ec',
		algorithm: 'sha256',
		notAfterDate,
		extensions: [{ name: 'subjectAltName', altNames: [ip ? { type: 7, ip: host } : { type: 2, value: host }, { type: 2, value: 'localhost' }] }],
	});
}

function readBody(req, limit) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		let size = 0;
		req.on('data', (chunk) => {
			size += chunk.length;
			if (size > limit) reject(new MepReply(INVOKE.bodyLimit.status, INVOKE.bodyLimit.text));
			else chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

/**
 * Starts an emulator and resolves once it listens. Options: port (0 = a free one), host, seed (a
 * JSON file path or an object; default the demo seed), latencyMs, jitterMs, rateLimit (requests per
 * second, 0 = none) and concurrency (requests served at a time, the rest queued; 0 = no limit) as a
 * global fault rule, randomSeed (fault randomness), quiet (false: one stdout line per MEP request,
 * password redacted), send204Body (default true: see assumptions.mjs), requestLogLimit (default
 * 10,000), tls (HTTPS with a self-signed certificate made at start; its PEM is `certificate`),
 * renderListsOnce (a member list's answer is rendered once and its bytes served again while the
 * list is unchanged: a benchmark's client is then measured without the emulator's rendering).
 * Without tls it starts listening before its first await, so a caller can start it the moment
 * it learns that a connection was refused.
 */
export async function startEmulator(options = {}) {
	const {
		port = 0,
		host = '127.0.0.1',
		seed = DEMO_SEED,
		latencyMs = 0,
		jitterMs = 0,
		rateLimit = 0,
		concurrency = 0,
		randomSeed = 1,
		tls = false,
		quiet = true,
		send204Body = SUCCESS.variableDidNotExist.sendBodyByDefault,
		requestLogLimit = REQUEST_LOG_LIMIT,
		renderListsOnce = false,
	} = options;
	const startSeed = loadSeed(seed);
	let state = createState(startSeed);
	// The startup load settings are a global rule; clearFaults() comes back to them.
	const baseRule =
		latencyMs || jitterMs || rateLimit || concurrency
			? { route: '*', latencyMs, jitterMs, ...(rateLimit ? { rateLimit: { perSecond: rateLimit } } : {}), ...(concurrency ? { concurrency } : {}) }
			: undefined;
	const startFaults = { randomSeed, rules: baseRule ? [baseRule] : [] };
	const faults = new FaultPlan(startFaults, randomSeed);
	const sockets = new Set();
	const hung = new Set();
	let requestLog = [];
	let stats;
	let inFlight = 0;
	// Time spent at each number of requests in flight (ms), for the median of a busy spell. A
	// monotonic clock with fractions of a millisecond: a request answered within the same whole
	// millisecond still counts as busy time (with Date.now it did not, and the median read 0).
	let inFlightTime = new Map();
	let inFlightSince = performance.now();
	const noteInFlight = (change) => {
		const now = performance.now();
		inFlightTime.set(inFlight, (inFlightTime.get(inFlight) ?? 0) + (now - inFlightSince));
		inFlightSince = now;
		inFlight += change;
	};
	const resetStats = () => {
		inFlightTime = new Map();
		inFlightSince = performance.now();
		stats = {
			requests: { total: 0, byRoute: {} },
			openConnections: sockets.size,
			peakConnections: sockets.size,
			// MEP requests received and not yet answered: what a client's "requests in flight" is,
			// whether it reuses connections or opens one per request (a closing one still counts above).
			requestsInFlight: inFlight,
			peakRequestsInFlight: inFlight,
			rateLimited: 0,
			faultsInjected: 0,
			// Pieces of answers written in `bodyChunkBytes` pieces.
			bodyPieces: 0,
			// Bytes of XML answer bodies written to the sockets (a client that drops a long list early stops them).
			xmlBodyBytes: 0,
		};
	};
	resetStats();

	async function handleMep(req, res, url) {
		const invoke = INVOKE_PATH.exec(url.pathname);
		const route = invoke ? INVOKE_ROUTE : Object.hasOwn(CMX_ROUTES, url.pathname) ? url.pathname : undefined;
		stats.requests.total += 1;
		noteInFlight(1);
		stats.requestsInFlight = inFlight;
		stats.peakRequestsInFlight = Math.max(stats.peakRequestsInFlight, inFlight);
		let answered = false;
		const noteAnswered = () => {
			if (answered) return;
			answered = true;
			noteInFlight(-1);
			stats.requestsInFlight = inFlight;
		};
		res.on('finish', noteAnswered);
		res.on('close', noteAnswered);
		const statsKey = route ?? '(unknown path)';
		stats.requests.byRoute[statsKey] = (stats.requests.byRoute[statsKey] ?? 0) + 1;
		const rawQuery = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1).replace(/#.*$/, '') : '';
		const entry = { method: req.method, path: url.pathname, query: redactQuery(rawQuery), status: null, at: new Date().toISOString() };
		requestLog.push(entry);
		if (requestLog.length > requestLogLimit) requestLog.splice(0, requestLog.length - requestLogLimit);
		const noteStatus = () => {
			if (res._mepRawStatus) entry.status = res._mepRawStatus;
			else if (res.headersSent) entry.status = res.statusCode;
		};
		res.on('close', noteStatus);
		if (!quiet) process.stdout.write(`${entry.at} ${req.method} ${entry.path}${entry.query ? `?${entry.query}` : ''}\n`);
		try {
			if (!route) return sendText(res, REJECTIONS.notFound.status, REJECTIONS.notFound.text());

			// Faults are decided before the route runs, so a faulted request never changes the state.
			const decision = faults.decide(route, `${req.method} ${req.url}`, loginOf(req, url, invoke));
			// A queueing MEP: wait for a slot of each such rule, and hold it until answered.
			for (const queue of decision.queues) {
				const leave = await queue.enter();
				res.on('close', leave);
				if (res.destroyed) leave();
			}
			if (decision.delayMs > 0) await sleep(decision.delayMs);
			if (res.destroyed || !res.socket || res.socket.destroyed) return undefined; // the client gave up while we waited
			if (decision.rateLimited) {
				stats.rateLimited += 1;
				return serveRateLimited(res, decision.rateLimited);
			}
			if (decision.fault) {
				stats.faultsInjected += 1;
				if (decision.fault.startsWith('status429')) stats.rateLimited += 1;
				return serveFault(decision.fault, res, hung, req, decision.rule);
			}
			return await answer(req, res, url, invoke, decision.bodyChunkBytes);
		} finally {
			noteStatus();
		}
	}

	async function answer(req, res, url, invoke, chunkBytes) {
		try {
			if (invoke) {
				const body = req.method === 'POST' ? await readBody(req, INVOKE.bodyLimit.bytes) : '';
				const result = invokeService(state, {
					method: req.method,
					headers: req.headers,
					body,
					serviceId: safeDecode(invoke[2]),
					environment: invoke[1] === 'servicemanager-cie' ? 'cie' : 'production',
				});
				return sendJson(res, result.status, undefined, result.headers);
			}
			if (req.method !== 'GET') {
				const { status, text, headers } = REJECTIONS.methodNotAllowed;
				throw new MepReply(status, text(), { headers });
			}
			const result = CMX_ROUTES[url.pathname](state, url.searchParams, { renderListsOnce });
			if (result.xml !== undefined || result.pieces !== undefined) {
				const onPiece = chunkBytes ? () => (stats.bodyPieces += 1) : undefined;
				return await sendXml(res, result.xml, { pieces: result.pieces, chunkBytes, onPiece, onBytes: (bytes) => (stats.xmlBodyBytes += bytes) });
			}
			if (result.raw204 !== undefined) return sendRaw204(res, result.raw204, send204Body);
			return sendText(res, 200, result.text);
		} catch (error) {
			if (error instanceof MepReply) return send(res, error);
			process.stderr.write(`emulator: ${error.stack}\n`);
			return sendText(res, 500, 'Emulator error');
		}
	}

	const certificate = tls ? await selfSignedCertificate(host) : undefined;
	const handler = (req, res) => {
		let url;
		try {
			url = new URL(req.url, 'http://emulator');
		} catch {
			return sendText(res, 400, 'Bad Request');
		}
		const handling = url.pathname.startsWith('/_emulator/') ? handleAdmin(api, req, res, url) : handleMep(req, res, url);
		handling.catch((error) => {
			process.stderr.write(`emulator: ${error.stack}\n`);
			if (!res.headersSent && !res.destroyed) sendText(res, 500, 'Emulator error');
		});
		return undefined;
	};
	const server = certificate ? https.createServer({ key: certificate.private, cert: certificate.cert }, handler) : http.createServer(handler);
	server.keepAliveTimeout = 5000;
	server.on('connection', (socket) => {
		sockets.add(socket);
		stats.openConnections = sockets.size;
		stats.peakConnections = Math.max(stats.peakConnections, sockets.size);
		socket.on('close', () => {
			sockets.delete(socket);
			stats.openConnections = sockets.size;
		});
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const address = server.address();
	const baseUrl = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
	let closing;

	const api = {
		port: address.port,
		host,
		baseUrl,
		serviceManagerUrl: `${baseUrl}/servicemanager`,
		cieUrl: `${baseUrl}/servicemanager-cie`,
		adminUrl: `${baseUrl}/_emulator`,
		/** With tls: the self-signed certificate (PEM) clients can trust instead of ignoring it. */
		certificate: certificate?.cert,
		/** A deep copy of the state, without passwords. */
		state: () => publicState(state),
		/** Back to the startup seed (or to `newSeed`, a path or object), with empty request log and fresh stats. */
		reset(newSeed) {
			const next = createState(newSeed ? loadSeed(newSeed) : startSeed);
			state = next;
			requestLog = [];
			resetStats();
		},
		/** Adds and removes members as MEP's own users would (see changeMembers in state.mjs). */
		changeMembers: (change) => changeMembers(state, change),
		/** A member texts STOP: MEP takes the number out of the subscription, or out of all (see textStop). */
		textStop: (stop) => textStop(state, stop),
		/** Replaces the fault rules (throws on an invalid spec, leaving the old one in place). */
		setFaults: (spec) => {
			faults.set(spec);
			return structuredClone(faults.spec);
		},
		/** Back to the startup rules (the --latency/--jitter/--rate-limit global rule, if any). */
		clearFaults: () => {
			faults.set(startFaults);
			return structuredClone(faults.spec);
		},
		faults: () => structuredClone(faults.spec),
		stats: () => {
			noteInFlight(0);
			return structuredClone({ ...stats, requestsInFlightMedian: busyMedian(inFlightTime) });
		},
		resetStats,
		/** The last MEP requests: { method, path, query (password ***), status, at }. */
		requests: () => structuredClone(requestLog),
		clearRequests: () => {
			requestLog = [];
		},
		/** Stops listening and destroys every connection, hung ones included. */
		close() {
			closing ??= new Promise((resolve) => {
				for (const res of hung) res.socket?.destroy();
				server.close(() => resolve());
				for (const socket of sockets) socket.destroy();
			});
			return closing;
		},
	};
	return api;
}
