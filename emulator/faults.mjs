// Fault and load controls (per route or global), deterministic for a given random seed.
import { FAULT_BODIES, INVOKE } from './assumptions.mjs';
import { latin1Bytes, listDocument } from './xml.mjs';

export const FAULTS = [
	'status500',
	'status503',
	'reset',
	'hang',
	'malformedXml',
	'htmlProxyError',
	'empty200',
	'status204WithBody',
	'wrongEncoding',
	'billionLaughs',
	'hugeBody',
	'invoke1000',
	'invoke1010',
	'echoRequest',
];

/** mulberry32: small, fast and the same sequence for the same seed. */
function prng(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export class FaultPlan {
	constructor(spec = { rules: [] }) {
		this.set(spec);
	}

	set(spec) {
		const rules = spec?.rules ?? [];
		for (const rule of rules) {
			if (rule.fault !== undefined && !FAULTS.includes(rule.fault)) throw new Error(`unknown fault "${rule.fault}"; one of ${FAULTS.join(', ')}`);
			if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1)) throw new Error('probability must be 0..1');
		}
		this.spec = { randomSeed: spec?.randomSeed ?? 1, rules: structuredClone(rules) };
		this.random = prng(this.spec.randomSeed);
		this.windows = this.spec.rules.map(() => ({ second: 0, count: 0 }));
		this.remaining = this.spec.rules.map((rule) => rule.count ?? Infinity);
	}

	/** What to do with a request to `route`: { delayMs, rateLimited?: {retryAfter}, fault? }. */
	decide(route) {
		const decision = { delayMs: 0 };
		this.spec.rules.forEach((rule, index) => {
			if (rule.route !== undefined && rule.route !== '*' && rule.route !== route) return;
			decision.delayMs += (rule.latencyMs ?? 0) + (rule.jitterMs ? Math.floor(this.random() * rule.jitterMs) : 0);
			if (rule.rateLimit && !decision.rateLimited) {
				const second = Math.floor(Date.now() / 1000);
				const window = this.windows[index];
				if (window.second !== second) Object.assign(window, { second, count: 0 });
				window.count += 1;
				if (window.count > rule.rateLimit.perSecond) decision.rateLimited = { retryAfter: rule.rateLimit.retryAfter !== false };
			}
			if (rule.fault && !decision.fault && this.remaining[index] > 0) {
				const hit = rule.probability === undefined || this.random() < rule.probability;
				if (hit) {
					this.remaining[index] -= 1;
					decision.fault = rule.fault;
				}
			}
		});
		return decision;
	}
}

const PROXY_PAGE =
	'<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

const BILLION_LAUGHS = [
	'<?xml version="1.0" encoding="ISO-8859-1"?>',
	'<!DOCTYPE users [',
	' <!ENTITY lol "lol">',
	...Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`),
	']>',
	'<users><user><msisdn>&lol9;</msisdn></user></users>',
].join('\n');

let hugeBody;
/** ~50 MB of well-formed users, built once. */
function huge() {
	if (!hugeBody) {
		const user = '   <user>\n      <msisdn>447700900000</msisdn>\n      <network>ORANGEUK</network>\n      <enabled>true</enabled>\n   </user>\n';
		const count = Math.ceil((50 * 1024 * 1024) / user.length);
		hugeBody = Buffer.from(`<?xml version="1.0" encoding="ISO-8859-1"?>\n<users>\n${user.repeat(count)}</users>\n`, 'latin1');
	}
	return hugeBody;
}

const textHeaders = { 'Content-Type': 'text/plain', Server: 'Apache-Coyote/1.1' };

/** Answers with the fault instead of the route ('hang' never answers). */
export function serveFault(fault, res, hung, req) {
	switch (fault) {
		case 'echoRequest': {
			// A rejection that quotes the whole request line, login included, as some servers do.
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
			res.writeHead(200, { ...textHeaders, 'Transfer-Encoding': 'chunked' });
			res.write(latin1Bytes('<?xml version="1.0" encoding="ISO-8859-1"?>\n<users>\n   <user>\n'));
			return setTimeout(() => res.socket?.destroy(), 20);
		case 'hang':
			hung.add(res);
			return res.on('close', () => hung.delete(res));
		case 'malformedXml':
			res.writeHead(200, textHeaders);
			return res.end(latin1Bytes('<?xml version="1.0" encoding="ISO-8859-1"?>\n<users>\n   <user>\n      <msisdn>4477009'));
		case 'htmlProxyError':
			res.writeHead(502, { 'Content-Type': 'text/html', Server: 'nginx', 'Content-Length': PROXY_PAGE.length });
			return res.end(PROXY_PAGE);
		case 'empty200':
			res.writeHead(200, { ...textHeaders, 'Content-Length': 0 });
			return res.end();
		case 'status204WithBody': {
			const socket = res.socket;
			res._mepRawStatus = 204;
			return socket.write('HTTP/1.1 204 No Content\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK', () => socket.end());
		}
		case 'wrongEncoding':
			// Declared ISO-8859-1, sent as UTF-8: "café" arrives as "cafÃ©".
			res.writeHead(200, textHeaders);
			return res.end(Buffer.from(listDocument('users', 'user', [{ msisdn: '447700900123', network: 'Café', enabled: true }]), 'utf8'));
		case 'billionLaughs':
			res.writeHead(200, textHeaders);
			return res.end(Buffer.from(BILLION_LAUGHS, 'latin1'));
		case 'hugeBody':
			res.writeHead(200, textHeaders);
			return res.end(huge());
		case 'invoke1000':
		case 'invoke1010': {
			const entry = fault === 'invoke1000' ? INVOKE.permanent : INVOKE.retryable;
			const body = Buffer.from(JSON.stringify(INVOKE.error(entry.code, entry.message)));
			res.writeHead(entry.status, { 'Content-Type': 'application/json', 'Content-Length': body.length });
			return res.end(body);
		}
		default:
			throw new Error(`unknown fault ${fault}`);
	}
}

export function serveRateLimited(res, { retryAfter }) {
	const body = latin1Bytes(FAULT_BODIES.rateLimited);
	res.writeHead(429, { ...textHeaders, 'Content-Length': body.length, ...(retryAfter ? { 'Retry-After': '1' } : {}) });
	res.end(body);
}
