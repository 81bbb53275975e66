// The admin API under /_emulator/ (a path MEP does not use): JSON in and out, never delayed,
// rate limited or faulted, so tests can always inspect and steer the emulator.
import { FaultSpecError } from './faults.mjs';
import { sendJson } from './http.mjs';
import { isSeedError } from './state.mjs';

const BODY_LIMIT = 16 * 1024 * 1024; // a seed can be big, but not unbounded

function readJson(req) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		let size = 0;
		req.on('data', (chunk) => {
			size += chunk.length;
			if (size > BODY_LIMIT) {
				reject(new Error('request body too large'));
				req.destroy();
			} else chunks.push(chunk);
		});
		req.on('end', () => {
			const text = Buffer.concat(chunks).toString('utf8');
			try {
				resolve(text.trim() ? JSON.parse(text) : undefined);
			} catch (error) {
				reject(new SyntaxError(`body is not JSON: ${error.message}`));
			}
		});
		req.on('error', reject);
	});
}

/** Handles one /_emulator/ request against the emulator's API object. */
export async function handleAdmin(emulator, req, res, url) {
	const route = `${req.method} ${url.pathname.replace(/\/+$/, '')}`;
	try {
		const body = req.method === 'POST' ? await readJson(req) : undefined;
		switch (route) {
			case 'GET /_emulator/state':
				return sendJson(res, 200, emulator.state());
			case 'POST /_emulator/reset':
				emulator.reset(body);
				return sendJson(res, 200, { reset: true });
			case 'POST /_emulator/members':
				return sendJson(res, 200, emulator.changeMembers(body));
			case 'POST /_emulator/stop':
				return sendJson(res, 200, emulator.textStop(body));
			case 'GET /_emulator/faults':
				return sendJson(res, 200, emulator.faults());
			case 'POST /_emulator/faults':
				emulator.setFaults(body ?? { rules: [] });
				return sendJson(res, 200, emulator.faults());
			case 'DELETE /_emulator/faults':
				emulator.clearFaults();
				return sendJson(res, 200, emulator.faults());
			case 'GET /_emulator/stats':
				return sendJson(res, 200, emulator.stats());
			case 'POST /_emulator/stats/reset':
				emulator.resetStats();
				return sendJson(res, 200, emulator.stats());
			case 'GET /_emulator/requests':
				return sendJson(res, 200, emulator.requests());
			case 'DELETE /_emulator/requests':
				emulator.clearRequests();
				return sendJson(res, 200, []);
			default:
				return sendJson(res, 404, { error: `no admin route ${route}`, routes: ADMIN_ROUTES });
		}
	} catch (error) {
		const known = error instanceof FaultSpecError || isSeedError(error) || /body too large/.test(error.message);
		if (!known) process.stderr.write(`emulator admin: ${error.stack}\n`);
		if (!res.headersSent && !res.destroyed) sendJson(res, known ? 400 : 500, { error: error.message });
	}
}

export const ADMIN_ROUTES = [
	'GET /_emulator/state',
	'POST /_emulator/reset',
	'POST /_emulator/members',
	'POST /_emulator/stop',
	'GET /_emulator/faults',
	'POST /_emulator/faults',
	'DELETE /_emulator/faults',
	'GET /_emulator/stats',
	'POST /_emulator/stats/reset',
	'GET /_emulator/requests',
	'DELETE /_emulator/requests',
];
