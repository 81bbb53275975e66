// The node's answer handling on its own, without HTTP or n8n: decode + parse + map of
// (a) a Get Users answer of 100,000 members and (b) one Add User answer, through what the
// executor runs for every whole answer (reading.ts readAnswer and outputOf) with the
// operations' own declarations. Runs in its own process so that its peak
// memory is its own; prints one JSON line. Usage: node bench/parse.mjs [--members 100000]
import { XMLValidator } from 'fast-xml-parser';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { listDocument, latin1Bytes } from '../emulator/xml.mjs';
import { loadSource } from '../test/helpers/source.mjs';

const { values } = parseArgs({ options: { members: { type: 'string', default: '100000' }, repeats: { type: 'string', default: '5' } } });
const members = Number(values.members);
const repeats = Number(values.repeats);

const { readAnswer, outputOf } = loadSource('nodes/OpenMarketMep/shared/reading.ts');
const { getUsers: getUsersOperation } = loadSource('nodes/OpenMarketMep/resources/subscription/getUsers.ts');
const { addUser: addUserOperation } = loadSource('nodes/OpenMarketMep/resources/subscription/addUser.ts');
const { decodeMepBody } = loadSource('nodes/OpenMarketMep/shared/xml.ts');

const NETWORKS = ['ORANGEUK', 'O2UK', 'VODAFONEUK', 'TMOBILEUK', 'CINGULARUS', 'UNKNOWN'];
const pad = (n, width) => String(n).padStart(width, '0');
/** A viewsubscriptionusers answer framed exactly as the emulator serves it (ISO-8859-1 bytes). */
function usersAnswer(count) {
	const users = Array.from({ length: count }, (_, i) => ({
		msisdn: `4477${pad(i, 8)}`,
		network: NETWORKS[i % NETWORKS.length],
		enabled: true,
		startDate: `20${pad(10 + (i % 15), 2)}-${pad(1 + (i % 12), 2)}-${pad(1 + (i % 28), 2)} ${pad(i % 24, 2)}:${pad(i % 60, 2)}:${pad((i * 7) % 60, 2)}`,
	}));
	return latin1Bytes(listDocument('users', 'user', users));
}

/** Who an error would name (none is expected here). */
const failure = { node: { name: 'OpenMarket MEP', type: 'openMarketMep', typeVersion: 1 }, itemIndex: 0, resource: 'subscription', retrySafe: true, secrets: [] };
const response = (body) => ({ body, statusCode: 200, statusMessage: 'OK', headers: { 'content-type': 'text/plain;charset=ISO-8859-1' } });

/** An answer's output items, paired as the executor pairs them. */
const handle = (operation, body) =>
	outputOf(operation, readAnswer('cmx2api', response(body)), { qs: {} }, failure, 1).map((json) => ({ json, pairedItem: { item: 0 } }));

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mib = (bytes) => Math.round((bytes / 1024 / 1024) * 10) / 10;

const body = usersAnswer(members);
global.gc?.();
const baselineRss = process.memoryUsage().rss;
const heapBefore = process.memoryUsage().heapUsed;

// Memory first, on a fresh heap: one full run, then the process's peak RSS (getrusage's maxrss).
const t0 = performance.now();
const items = handle(getUsersOperation, body);
const firstMs = performance.now() - t0;
const peakRss = process.resourceUsage().maxRSS * 1024;
const heapHeld = process.memoryUsage().heapUsed - heapBefore;
if (items.length !== members || items[members - 1].json.msisdn !== `4477${pad(members - 1, 8)}`) {
	throw new Error(`mapped ${items.length} items, expected ${members}`);
}

// Then where the time goes, each the median of `repeats` runs: decoding, and the rest (checks,
// parse + map). fast-xml-parser's full well-formedness check runs on answers up to 1 MiB only
// (xml.ts); its cost on this answer is measured beside, for the record.
const phases = { decodeMs: [], validateMs: [], totalMs: [] };
for (let r = 0; r < repeats; r++) {
	global.gc?.(); // each repeat handles one answer on a heap without the previous repeat's garbage, as one execution would
	let t = performance.now();
	const text = decodeMepBody(body, 'text/plain;charset=ISO-8859-1');
	phases.decodeMs.push(performance.now() - t);
	t = performance.now();
	XMLValidator.validate(text);
	phases.validateMs.push(performance.now() - t);
	global.gc?.();
	t = performance.now();
	handle(getUsersOperation, body);
	phases.totalMs.push(performance.now() - t);
}
const total = median(phases.totalMs);
const decode = median(phases.decodeMs);
const validate = median(phases.validateMs);

// One Add User answer, as n8n handles it per item.
const addUserBody = latin1Bytes(listDocument('users', 'user', [{ msisdn: '447700900765', network: 'ORANGEUK', enabled: true }]));
const calls = 20_000;
for (let i = 0; i < 2_000; i++) handle(addUserOperation, addUserBody); // warm-up
const ta = performance.now();
for (let i = 0; i < calls; i++) handle(addUserOperation, addUserBody);
const addUserMs = (performance.now() - ta) / calls;

console.log(
	JSON.stringify({
		getUsers: {
			members,
			bodyMiB: mib(body.length),
			firstRunMs: Math.round(firstMs),
			medianMs: Math.round(total),
			decodeMs: Math.round(decode),
			checkParseAndMapMs: Math.max(0, Math.round(total - decode)),
			fullWellFormednessCheckMs: Math.round(validate),
			peakRssMiB: mib(peakRss),
			baselineRssMiB: mib(baselineRss),
			heapHeldMiB: mib(heapHeld),
		},
		addUser: { perItemMs: Math.round(addUserMs * 10000) / 10000, calls },
	}),
);
