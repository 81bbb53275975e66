// The MEP emulator: one HTTP server on 127.0.0.1 serving the cmx2api routes at its root and
// Invoke Service under /servicemanager (production) and /servicemanager-cie (CIE), plus a small
// admin API under /_emulator/ (a path MEP does not use).
import http from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { FaultPlan, serveFault, serveRateLimited } from './faults.mjs';
import { MepReply, send, sendJson, sendRaw204, sendText, sendXml } from './http.mjs';
import { REJECTIONS, SUCCESS } from './assumptions.mjs';
import { broadcastRoutes } from './routes/broadcast.mjs';
import { injectRoutes } from './routes/inject.mjs';
import { invokeService } from './routes/invoke.mjs';
import { subscriptionRoutes } from './routes/subscription.mjs';
import { variableRoutes } from './routes/variable.mjs';
import { createState, loadSeed, publicState } from './state.mjs';

export const DEMO_SEED = path.join(path.dirname(fileURLToPath(import.meta.url)), 'seeds/demo.json');
const CMX_ROUTES = { ...subscriptionRoutes, ...broadcastRoutes, ...variableRoutes, ...injectRoutes };
export const INVOKE_ROUTE = '/service/v1/invokeService';
const INVOKE_PATH = /^(?:\/(servicemanager|servicemanager-cie))?\/service\/v1\/invokeService\/([^/]+)$/;
const MAX_LOGGED_REQUESTS = 10_000;

const redactQuery = (query) => query.replace(/(^|&)(password=)[^&]*/gi, '$1$2***');

function readBody(req, limit = 1024 * 1024) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		let size = 0;
		req.on('data', (chunk) => {
			size += chunk.length;
			if (size > limit) reject(new MepReply(413, 'Request body too large'));
			else chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

/**
 * Starts an emulator. Options: port (0 = a free one), host, seed (path or object; default the
 * demo seed), latencyMs, jitterMs, rateLimit (requests per second, 0 = none), randomSeed, quiet,
 * send204Body (put the documented body of the variable-delete 204 on the wire; see assumptions).
 */
export async function startEmulator(options = {}) {
	const { port = 0, host = '127.0.0.1', seed = DEMO_SEED, latencyMs = 0, jitterMs = 0, rateLimit = 0, randomSeed = 1, quiet = true } = options;
	const send204Body = options.send204Body ?? SUCCESS.variableDidNotExist.sendBodyByDefault;
	const startSeed = loadSeed(seed);
	let state = createState(startSeed);
	const baseRule = latencyMs || jitterMs || rateLimit ? { route: '*', latencyMs, jitterMs, ...(rateLimit ? { rateLimit: { perSecond: rateLimit } } : {}) } : undefined;
	const startFaults = { randomSeed, rules: baseRule ? [baseRule] : [] };
	const faults = new FaultPlan(startFaults);
	const sockets = new Set();
	const hung = new Set();
	let requestLog = [];
	let stats;
	const resetStats = () => {
		stats = { requests: { total: 0, byRoute: {} }, openConnections: sockets.size, peakConnections: sockets.size, rateLimited: 0, faultsInjected: 0 };
	};
	resetStats();

	async function handleMep(req, res, url) {
		const invoke = INVOKE_PATH.exec(url.pathname);
		const route = invoke ? INVOKE_ROUTE : CMX_ROUTES[url.pathname] ? url.pathname : undefined;
		stats.requests.total += 1;
		stats.requests.byRoute[route ?? url.pathname] = (stats.requests.byRoute[route ?? url.pathname] ?? 0) + 1;
		const entry = { method: req.method, path: url.pathname, query: redactQuery(url.search.slice(1)), status: undefined, at: new Date().toISOString() };
		requestLog.push(entry);
		if (requestLog.length > MAX_LOGGED_REQUESTS) requestLog = requestLog.slice(-MAX_LOGGED_REQUESTS);
		res.on('close', () => (entry.status = res._mepRawStatus ?? (res.headersSent ? res.statusCode : undefined)));
		if (!quiet) process.stdout.write(`${req.method} ${url.pathname}?${entry.query}\n`);
		if (!route) return sendText(res, REJECTIONS.notFound.status, REJECTIONS.notFound.text());

		// Faults are decided before the route runs, so a faulted request never changes the state.
		const decision = faults.decide(route);
		if (decision.delayMs > 0) await sleep(decision.delayMs);
		if (decision.rateLimited) {
			stats.rateLimited += 1;
			return serveRateLimited(res, decision.rateLimited);
		}
		if (decision.fault) {
			stats.faultsInjected += 1;
			return serveFault(decision.fault, res, hung, req);
		}

		try {
			if (invoke) {
				const body = await readBody(req);
				const result = invokeService(state, {
					method: req.method,
					headers: req.headers,
					body,
					serviceId: decodeURIComponent(invoke[2]),
					environment: invoke[1] === 'servicemanager-cie' ? 'cie' : 'production',
				});
				return sendJson(res, result.status, undefined, result.headers);
			}
			if (req.method !== 'GET') throw new MepReply(REJECTIONS.methodNotAllowed.status, REJECTIONS.methodNotAllowed.text());
			const result = CMX_ROUTES[route](state, url.searchParams);
			if (result.xml !== undefined) return sendXml(res, result.xml);
			if (result.raw204 !== undefined) return sendRaw204(res, result.raw204, send204Body);
			return sendText(res, 200, result.text);
		} catch (error) {
			if (error instanceof MepReply) return send(res, error);
			process.stderr.write(`emulator: ${error.stack}\n`);
			return sendText(res, 500, 'Emulator error');
		}
	}

	async function handleAdmin(req, res, url) {
		const route = `${req.method} ${url.pathname}`;
		const body = req.method === 'POST' ? await readBody(req) : '';
		const json = () => (body.trim() ? JSON.parse(body) : undefined);
		switch (route) {
			case 'GET /_emulator/state':
				return sendJson(res, 200, publicState(state));
			case 'POST /_emulator/reset':
				api.reset(json());
				return sendJson(res, 200, { reset: true });
			case 'GET /_emulator/faults':
				return sendJson(res, 200, faults.spec);
			case 'POST /_emulator/faults':
				faults.set(json() ?? { rules: [] });
				return sendJson(res, 200, faults.spec);
			case 'DELETE /_emulator/faults':
				faults.set(startFaults);
				return sendJson(res, 200, faults.spec);
			case 'GET /_emulator/stats':
				return sendJson(res, 200, stats);
			case 'POST /_emulator/stats/reset':
				resetStats();
				return sendJson(res, 200, stats);
			case 'GET /_emulator/requests':
				return sendJson(res, 200, requestLog);
			case 'DELETE /_emulator/requests':
				requestLog = [];
				return sendJson(res, 200, requestLog);
			default:
				return sendJson(res, 404, { error: `no admin route ${route}` });
		}
	}

	const server = http.createServer((req, res) => {
		const url = new URL(req.url, 'http://emulator');
		const handler = url.pathname.startsWith('/_emulator/') ? handleAdmin : handleMep;
		handler(req, res, url).catch((error) => {
			if (!res.headersSent) sendJson(res, 400, { error: error.message });
		});
	});
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
		server.listen(port, host, resolve);
	});
	const address = server.address();
	const baseUrl = `http://${host}:${address.port}`;

	const api = {
		port: address.port,
		baseUrl,
		serviceManagerUrl: `${baseUrl}/servicemanager`,
		cieUrl: `${baseUrl}/servicemanager-cie`,
		adminUrl: `${baseUrl}/_emulator`,
		state: () => publicState(state),
		/** Back to the start seed (or `seed`), with no logs, no request history and fresh stats. */
		reset(newSeed) {
			state = createState(newSeed ? loadSeed(newSeed) : startSeed);
			requestLog = [];
			resetStats();
		},
		setFaults: (spec) => faults.set(spec),
		clearFaults: () => faults.set(startFaults),
		stats: () => structuredClone(stats),
		requests: () => structuredClone(requestLog),
		async close() {
			for (const res of hung) res.socket?.destroy();
			const closed = new Promise((resolve) => server.close(resolve));
			for (const socket of sockets) socket.destroy();
			await closed;
		},
	};
	return api;
}
