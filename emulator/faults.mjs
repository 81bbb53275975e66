// Fault and load controls (per route or global), deterministic for a given random seed.
// Faults are decided before a route runs, so a faulted request never changes the state.
import { FAULT_BODIES, INVOKE } from './assumptions.mjs';
import { SERVER_HEADER } from './http.mjs';
import { latin1Bytes, listDocument } from './xml.mjs';

export const FAULTS = [
	'status500',
	'status503',
	'reset',
	'hang',
	'malformedXml',
	'stallMidList',
	'userWithoutMsisdn',
	'listAsHtml',
	'unclosedUserInLargeList',
	'htmlProxyError',
	'empty200',
	'status204WithBody',
	'wrongEncoding',
	'billionLaughs',
	'hugeBody',
	'invoke1000',
	'invoke1010',
	'echoRequest',
	'status429',
	'status429NoRetryAfter',
	'redirect',
];

/** mulberry32: small, fast and the same sequence for the same seed. */
export function prng(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Refuses a spec that would silently do nothing or something else than meant. */
function validate(spec) {
	const fail = (message) => {
		throw new FaultSpecError(message);
	};
	if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) fail('a fault spec is an object { randomSeed?, rules: [...] }');
	if (spec.rules !== undefined && !Array.isArray(spec.rules)) fail('rules must be an array');
	if (spec.randomSeed !== undefined && !Number.isInteger(spec.randomSeed)) fail('randomSeed must be an integer');
	const nonNegative = (value, name, i) => {
		if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) fail(`rules[${i}].${name} must be a number >= 0`);
	};
	(spec.rules ?? []).forEach((rule, i) => {
		if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) fail(`rules[${i}] must be an object`);
		if (rule.route !== undefined && (typeof rule.route !== 'string' || (rule.route !== '*' && !rule.route.startsWith('/')))) {
			fail(`rules[${i}].route must be "*" or a path such as /subscriptionapi/adduser`);
		}
		if (rule.login !== undefined && !(typeof rule.login === 'string' && rule.login !== '')) fail(`rules[${i}].login must be an MEP username such as "demo"`);
		if (rule.fault !== undefined && !FAULTS.includes(rule.fault)) fail(`unknown fault "${rule.fault}"; one of ${FAULTS.join(', ')}`);
		if (rule.probability !== undefined && !(typeof rule.probability === 'number' && rule.probability >= 0 && rule.probability <= 1)) {
			fail(`rules[${i}].probability must be 0..1`);
		}
		if (rule.count !== undefined && !(Number.isInteger(rule.count) && rule.count >= 0)) fail(`rules[${i}].count must be a whole number >= 0`);
		if (rule.retryAfter !== undefined && !(rule.fault === 'status429' && Number.isInteger(rule.retryAfter) && rule.retryAfter >= 0)) {
			fail(`rules[${i}].retryAfter (whole seconds) goes with the status429 fault`);
		}
		if (rule.fault === 'redirect' && !(typeof rule.redirectTo === 'string' && /^https?:\/\/[^/]+$/.test(rule.redirectTo))) {
			fail(`rules[${i}].redirectTo must be a base URL such as http://localhost:8099 (no path) for the redirect fault`);
		}
		if (rule.concurrency !== undefined && !(Number.isInteger(rule.concurrency) && rule.concurrency >= 1)) fail(`rules[${i}].concurrency must be a whole number >= 1`);
		if (rule.transient !== undefined && typeof rule.transient !== 'boolean') fail(`rules[${i}].transient must be true or false`);
		if (rule.transient && !rule.fault) fail(`rules[${i}].transient needs a fault`);
		if (rule.bodyChunkBytes !== undefined && !(Number.isInteger(rule.bodyChunkBytes) && rule.bodyChunkBytes >= 1)) fail(`rules[${i}].bodyChunkBytes must be a whole number >= 1`);
		nonNegative(rule.latencyMs, 'latencyMs', i);
		nonNegative(rule.jitterMs, 'jitterMs', i);
		if (rule.rateLimit !== undefined) {
			if (rule.rateLimit === null || typeof rule.rateLimit !== 'object') fail(`rules[${i}].rateLimit must be { perSecond, shape?, burst?, retryAfter? }`);
			if (rule.rateLimit.perSecond === undefined) fail(`rules[${i}].rateLimit.perSecond is required`);
			const { retryAfter, shape, burst } = rule.rateLimit;
			if (shape !== undefined && shape !== 'second' && shape !== 'bucket') fail(`rules[${i}].rateLimit.shape must be "second" or "bucket"`);
			if (burst !== undefined && shape !== 'bucket') fail(`rules[${i}].rateLimit.burst needs shape "bucket"`);
			if (burst !== undefined && !(Number.isFinite(burst) && burst >= 1)) fail(`rules[${i}].rateLimit.burst must be a number >= 1`);
			if (retryAfter !== undefined && typeof retryAfter !== 'boolean' && !(Number.isInteger(retryAfter) && retryAfter >= 0)) fail(`rules[${i}].rateLimit.retryAfter must be true, false or whole seconds`);
			nonNegative(rule.rateLimit.perSecond, 'rateLimit.perSecond', i);
		}
	});
}

export class FaultSpecError extends Error {}

/** A token bucket's size: `burst`, else half a second of its rate (as AWS API Gateway's defaults, 5,000 of 10,000 a second). */
const bucketBurst = (rateLimit) => (rateLimit?.shape === 'bucket' ? (rateLimit.burst ?? Math.max(1, rateLimit.perSecond / 2)) : 0);

/** An MEP that serves only `size` requests at a time: the rest wait their turn, in order. */
export class ServiceQueue {
	constructor(size) {
		this.size = size;
		this.busy = 0;
		this.waiting = [];
	}

	/** Resolves once the request holds a slot; call the function it resolves with to give it back. */
	async enter() {
		if (this.busy >= this.size) await new Promise((resolve) => this.waiting.push(resolve));
		else this.busy += 1;
		let left = false;
		return () => {
			if (left) return;
			left = true;
			const next = this.waiting.shift();
			if (next) next();
			else this.busy -= 1;
		};
	}
}

export class FaultPlan {
	/** `defaultSeed` is used when a spec has no randomSeed (the emulator's startup randomSeed). */
	constructor(spec = { rules: [] }, defaultSeed = 1) {
		this.defaultSeed = defaultSeed;
		this.set(spec);
	}

	set(spec) {
		validate(spec);
		this.spec = { randomSeed: spec.randomSeed ?? this.defaultSeed, rules: structuredClone(spec.rules ?? []) };
		this.random = prng(this.spec.randomSeed);
		this.windows = this.spec.rules.map(() => ({ second: 0, count: 0 }));
		// Token buckets start full.
		this.buckets = this.spec.rules.map((rule) => ({ tokens: bucketBurst(rule.rateLimit), at: Date.now() }));
		this.remaining = this.spec.rules.map((rule) => rule.count ?? Infinity);
		this.queues = this.spec.rules.map((rule) => (rule.concurrency ? new ServiceQueue(rule.concurrency) : undefined));
		// transient rules: the requests (method, path and query) each has faulted already
		this.faulted = this.spec.rules.map(() => new Set());
	}

	/**
	 * Whether the rule's rate limit lets one more request through now. "second" (the default): a
	 * count per wall-clock second, at most perSecond in each, refusing all the rest until the next.
	 * "bucket": a token bucket that holds `burst` tokens (half a second's worth unless said),
	 * refills perSecond a second continuously and refuses a request when it holds less than one, so
	 * it lets some through while it refuses (a sliding limit).
	 */
	admits(rateLimit, index) {
		const now = Date.now();
		if (rateLimit.shape === 'bucket') {
			const bucket = this.buckets[index];
			bucket.tokens = Math.min(bucketBurst(rateLimit), bucket.tokens + ((now - bucket.at) * rateLimit.perSecond) / 1000);
			bucket.at = now;
			if (bucket.tokens < 1) return false;
			bucket.tokens -= 1;
			return true;
		}
		const second = Math.floor(now / 1000);
		const window = this.windows[index];
		if (window.second !== second) Object.assign(window, { second, count: 0 });
		window.count += 1;
		return window.count <= rateLimit.perSecond;
	}

	/**
	 * What to do with a request to `route`: { delayMs, queues, rateLimited?: { retryAfter }, fault? }.
	 * A rule matches the request's route (unless it has none or "*") and, with `login`, only the
	 * requests of that MEP username (`login`: the request's username, cmx2api's `username`
	 * parameter or Invoke Service's Basic user). Every matching rule adds its latency; a rule with `concurrency` adds its queue, whose slot the
	 * request holds while it is served (its latency included); a rate limit exceeded wins over
	 * faults; otherwise the first fault that fires (and still has `count` left; a `transient` one
	 * only on a request it has not faulted before, `request` being its method and URL) wins. Every
	 * matching rule draws its random numbers (jitter, probability) whatever happens, so the same
	 * seed and the same sequence of routes replay the same decisions even when a rate limit
	 * (wall-clock) intervenes.
	 */
	decide(route, request = '', login = undefined) {
		const decision = { delayMs: 0, queues: [] };
		const fired = [];
		this.spec.rules.forEach((rule, index) => {
			if (rule.route !== undefined && rule.route !== '*' && rule.route !== route) return;
			if (rule.login !== undefined && rule.login !== login) return;
			decision.delayMs += (rule.latencyMs ?? 0) + (rule.jitterMs ? Math.floor(this.random() * rule.jitterMs) : 0);
			decision.bodyChunkBytes ??= rule.bodyChunkBytes;
			if (this.queues[index]) decision.queues.push(this.queues[index]);
			if (rule.rateLimit && !this.admits(rule.rateLimit, index)) decision.rateLimited ??= { retryAfter: rule.rateLimit.retryAfter ?? true };
			if (rule.fault) {
				const hit = rule.probability === undefined || this.random() < rule.probability;
				if (hit && !(rule.transient && this.faulted[index].has(request))) fired.push(index);
			}
		});
		if (!decision.rateLimited) {
			const index = fired.find((i) => this.remaining[i] > 0);
			if (index !== undefined) {
				this.remaining[index] -= 1;
				if (this.spec.rules[index].transient) this.faulted[index].add(request);
				decision.fault = this.spec.rules[index].fault;
				decision.rule = this.spec.rules[index];
			}
		}
		return decision;
	}
}

const PROXY_PAGE =
	'<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

/** Ten entities each expanding the previous one ten times: 10^9 "lol"s if a parser expands them. */
const BILLION_LAUGHS = [
	'<?xml version="1.0" encoding="ISO-8859-1"?>',
	'<!DOCTYPE users [',
	' <!ENTITY lol "lol">',
	...Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`),
	']>',
	'<users><user><msisdn>&lol9;</msisdn></user></users>',
	'',
].join('\n');

export const HUGE_BODY_BYTES = 50 * 1024 * 1024;
let hugeBody;
/** ~50 MB of well-formed users (ISO-8859-1, the usual declaration), built once per process. */
function huge() {
	if (!hugeBody) {
		const user = '   <user>\n      <msisdn>447700900000</msisdn>\n      <network>ORANGEUK</network>\n      <enabled>true</enabled>\n   </user>\n';
		const count = Math.ceil(HUGE_BODY_BYTES / user.length);
		hugeBody = Buffer.from(`<?xml version="1.0" encoding="ISO-8859-1"?>\n<users>\n${user.repeat(count)}</users>\n`, 'latin1');
	}
	return hugeBody;
}

const textHeaders = { 'Content-Type': 'text/plain', Server: SERVER_HEADER };

/** Answers with the fault instead of the route ('hang' never answers). */
export function serveFault(fault, res, hung, req, rule = {}) {
	switch (fault) {
		case 'status429':
		case 'status429NoRetryAfter':
			return serveRateLimited(res, { retryAfter: fault === 'status429' && (rule.retryAfter ?? true) });
		case 'redirect':
			// A proxy or load balancer sending the client elsewhere: same path and query, other host.
			res.writeHead(302, { Location: `${rule.redirectTo}${req.url}`, 'Content-Length': 0, Server: SERVER_HEADER });
			return res.end();
		case 'echoRequest': {
			// A rejection that quotes the whole request line, login included, as some servers do:
			// lets a client test that it scrubs MEP's error texts before showing them.
			const body = latin1Bytes(`Your request is invalid, specifically the following parameter is incorrect: ${req.url}`);
			res.writeHead(400, { ...textHeaders, 'Content-Length': body.length });
			return res.end(body);
		}
		case 'status500':
		case 'status503': {
			const body = latin1Bytes(FAULT_BODIES[fault]);
			res.writeHead(fault === 'status500' ? 500 : 503, { ...textHeaders, 'Content-Length': body.length });
			return res.end(body);
		}
		case 'reset':
			// Headers and the start of a success body, then a TCP reset.
			res.writeHead(200, { ...textHeaders, 'Transfer-Encoding': 'chunked' });
			res.write(latin1Bytes('<?xml version="1.0" encoding="ISO-8859-1"?>\n<users>\n   <user>\n'));
			return setTimeout(() => {
				const socket = res.socket;
				if (!socket || socket.destroyed) return;
				if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
				else socket.destroy();
			}, 20);
		case 'hang':
			// Accepted, never answered; close() destroys it.
			hung.add(res);
			return res.on('close', () => hung.delete(res));
		case 'stallMidList':
			// The start of a member list, then nothing more (a server that stalls mid-answer): only
			// a client's own deadline ends it; close() destroys it.
			res.writeHead(200, { ...textHeaders, 'Transfer-Encoding': 'chunked' });
			res.write(latin1Bytes('<?xml version="1.0" encoding="ISO-8859-1"?>\n<users>\n   <user>\n      <msisdn>447700900412</msisdn>\n   </user>\n   <user>\n      <msisdn>4477'));
			hung.add(res);
			return res.on('close', () => hung.delete(res));
		case 'malformedXml':
			res.writeHead(200, textHeaders);
			return res.end(latin1Bytes('<?xml version="1.0" encoding="ISO-8859-1"?>\n<users>\n   <user>\n      <msisdn>4477009'));
		case 'listAsHtml':
			// A well-formed member list (the demo's Product Alerts members) labelled text/html, as a proxy might relabel it.
			res.writeHead(200, { ...textHeaders, 'Content-Type': 'text/html; charset=ISO-8859-1' });
			return res.end(latin1Bytes(listDocument('users', 'user', [
				{ msisdn: '447700900412', network: 'ORANGEUK', enabled: true, startDate: '2021-05-28 18:44:07' },
				{ msisdn: '12515550177', network: 'CINGULARUS', enabled: true, startDate: '2021-06-02 09:15:30' },
			])));
		case 'userWithoutMsisdn':
			// Well-formed, but one member has no number: a list that cannot be taken as it is.
			res.writeHead(200, textHeaders);
			return res.end(latin1Bytes(listDocument('users', 'user', [{ msisdn: '447700900412', network: 'ORANGEUK', enabled: true }, { network: 'O2UK', enabled: true }])));
		case 'unclosedUserInLargeList': {
			// Over 1 MiB (clients may skip a full well-formedness check there) and ending in </users>,
			// but one </user> is missing: the members after it nest inside that one.
			const users = Array.from({ length: 12_000 }, (_, i) => ({ msisdn: String(447700000000 + i), network: 'O2UK', enabled: true, startDate: '2025-01-01 00:00:00' }));
			const text = listDocument('users', 'user', users);
			const broken = text.replace(/<\/user>/, '');
			res.writeHead(200, textHeaders);
			return res.end(latin1Bytes(broken));
		}
		case 'htmlProxyError':
			res.writeHead(502, { 'Content-Type': 'text/html', Server: 'nginx', 'Content-Length': PROXY_PAGE.length });
			return res.end(PROXY_PAGE);
		case 'empty200':
			res.writeHead(200, { ...textHeaders, 'Content-Length': 0 });
			return res.end();
		case 'status204WithBody': {
			// Body bytes in the same write as the head: what HTTP forbids and Node's parser rejects.
			const socket = res.socket;
			res._mepRawStatus = 204;
			if (!socket || socket.destroyed) return undefined;
			return socket.write(`HTTP/1.1 204 No Content\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nServer: ${SERVER_HEADER}\r\nConnection: close\r\n\r\nOK`, () => socket.end());
		}
		case 'wrongEncoding':
			// Declared ISO-8859-1, sent as UTF-8: "Café" arrives as "CafÃ©".
			res.writeHead(200, { ...textHeaders, 'Transfer-Encoding': 'chunked' });
			return res.end(Buffer.from(listDocument('users', 'user', [{ msisdn: '447700900123', network: 'Café', enabled: true }]), 'utf8'));
		case 'billionLaughs':
			res.writeHead(200, { ...textHeaders, 'Transfer-Encoding': 'chunked' });
			return res.end(Buffer.from(BILLION_LAUGHS, 'latin1'));
		case 'hugeBody':
			res.writeHead(200, { ...textHeaders, 'Transfer-Encoding': 'chunked' });
			return res.end(huge());
		case 'invoke1000':
		case 'invoke1010': {
			const entry = fault === 'invoke1000' ? INVOKE.permanent : INVOKE.retryable;
			const body = Buffer.from(JSON.stringify(INVOKE.envelope.error(entry.code, entry.message)));
			res.writeHead(entry.status, { 'Content-Type': 'application/json', Server: SERVER_HEADER, 'Content-Length': body.length });
			return res.end(body);
		}
		default:
			throw new Error(`unknown fault ${fault}`);
	}
}

/** A 429; `retryAfter`: true for the usual Retry-After, a number of seconds, or false for none. */
export function serveRateLimited(res, { retryAfter }) {
	const body = latin1Bytes(FAULT_BODIES.rateLimited);
	const wait = retryAfter === false ? {} : { 'Retry-After': String(retryAfter === true ? FAULT_BODIES.retryAfterSeconds : retryAfter) };
	res.writeHead(429, { ...textHeaders, 'Content-Length': body.length, ...wait });
	res.end(body);
}
