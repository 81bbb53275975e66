// Summarises a V8 CPU profile of `n8n execute` (node --cpu-prof): self time by area and the top
// functions, over the node's window only (first to last sample in the node's or its HTTP
// client's code), so n8n's 5–7 s of start-up and shutdown do not count.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Where a frame's code lives, by its script URL; first match wins. */
const AREAS = [
	['OpenMarket MEP node (checks, decode, parse, map)', /n8n-nodes-openmarket-mep/],
	['HTTP Request node', /n8n-nodes-base\/dist\/nodes\/HttpRequest/],
	['n8n RoutingNode (declarative engine)', /n8n-core\/dist\/execution-engine\/routing-node/],
	['expression evaluation', /n8n-workflow\/dist\/.*(expression|extensions)|@n8n\/(expression|tournament|riot)|tmpl|isolated-vm|esprima|ast-types|recast/i],
	['n8n-workflow (parameters, display options)', /n8n-workflow/],
	['HTTP client (axios, follow-redirects, Node http/net)', /axios|follow-redirects|form-data|node:(_http|http|net|stream|internal\/(http|net|stream|streams))/],
	['n8n-core (contexts, request helpers)', /n8n-core/],
	['lodash', /lodash/],
];
/** Code that runs only while the node works (module loading at start-up does not count). */
const isMarker = ({ url, functionName }) => /routing-node|HttpRequestV3|axios\/(lib|dist)/.test(url) || (/n8n-nodes-openmarket-mep/.test(url) && functionName !== '');

function areaOf(frame) {
	if (frame.functionName === '(garbage collector)') return 'garbage collection';
	if (frame.functionName === '(idle)') return 'idle (waiting for the network)';
	if (frame.functionName === '(program)') return 'V8 and native code';
	for (const [area, pattern] of AREAS) if (pattern.test(frame.url)) return area;
	if (!frame.url) return 'V8 and native code';
	if (frame.url.startsWith('node:')) return 'Node.js built-ins';
	const pkg = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url)?.[1];
	return pkg ? `other: ${pkg}` : 'other JavaScript';
}

export function summariseProfile(dir, n) {
	const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
	if (!file) throw new Error(`no CPU profile was written in ${dir}`);
	const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const parent = new Map();
	for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
	const marked = new Map(); // node id → whether its stack runs the node's code
	const isMarked = (id) => {
		if (marked.has(id)) return marked.get(id);
		const node = byId.get(id);
		const value = isMarker(node.callFrame) || (parent.has(id) && isMarked(parent.get(id)));
		marked.set(id, value);
		return value;
	};

	// Sample times, then the window from the first to the last marked sample.
	const times = [];
	let t = profile.startTime;
	for (const delta of profile.timeDeltas) times.push((t += delta));
	let first = -1;
	let last = -1;
	profile.samples.forEach((id, i) => {
		if (isMarked(id)) {
			if (first === -1) first = i;
			last = i;
		}
	});
	const areas = new Map();
	const functions = new Map();
	for (let i = first; i <= last && i >= 0; i++) {
		const ms = ((times[i + 1] ?? times[i]) - times[i]) / 1000;
		const frame = byId.get(profile.samples[i]).callFrame;
		const area = areaOf(frame);
		areas.set(area, (areas.get(area) ?? 0) + ms);
		if (!['idle (waiting for the network)', 'garbage collection', 'V8 and native code'].includes(area)) {
			const key = `${frame.functionName || '(anonymous)'}|${frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\//, '')}:${frame.lineNumber + 1}`;
			functions.set(key, (functions.get(key) ?? 0) + ms);
		}
	}
	const windowMs = first === -1 ? 0 : (times[last] - times[first]) / 1000;
	const total = [...areas.values()].reduce((a, b) => a + b, 0) || 1;
	// Areas under 0.5% of the window are folded into one row.
	const sorted = [...areas].map(([area, ms]) => ({ area, ms, share: ms / total })).sort((a, b) => b.ms - a.ms);
	const small = sorted.filter((a) => a.share < 0.005);
	const folded = sorted.filter((a) => a.share >= 0.005);
	if (small.length) {
		const ms = small.reduce((sum, a) => sum + a.ms, 0);
		folded.push({ area: `everything else (${small.length} packages and areas)`, ms, share: ms / total });
	}
	return {
		n,
		windowMs,
		areas: folded,
		functions: [...functions]
			.map(([key, ms]) => ({ name: key.split('|')[0], where: key.split('|')[1], ms }))
			.sort((a, b) => b.ms - a.ms)
			.slice(0, 12),
	};
}
