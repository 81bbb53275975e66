// Invoke Service (SPEC 4.1): POST JSON with Basic auth on the service-manager host, 202 + request
// ID on success, JSON error codes otherwise. CIE validates the same but never runs the service.
import { randomUUID } from 'node:crypto';
import { INVOKE, LIMITS } from '../assumptions.mjs';
import { MepReply } from '../http.mjs';
import { canUseServiceCollection, hasAnyRole, ROLES, ukTimestamp } from '../state.mjs';

const fail = (entry, message = entry.message) => new MepReply(entry.status, INVOKE.error(entry.code, message), { contentType: 'application/json' });
const invalidJson = (condition) => fail(INVOKE.invalidJson, `${INVOKE.invalidJson.prefix}${condition}.`);

function basicLogin(state, header) {
	const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
	if (!match) return undefined;
	const decoded = Buffer.from(match[1], 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon === -1) return undefined;
	const username = decoded.slice(0, colon);
	const password = decoded.slice(colon + 1);
	return state.accounts.find((a) => a.username === username && a.password === password);
}

function validateBody(text) {
	let body;
	try {
		body = JSON.parse(text);
	} catch {
		throw invalidJson('The body is not valid JSON');
	}
	if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalidJson('The body must be a JSON object');
	const { endUser, variables } = body;
	if (!endUser || typeof endUser !== 'object' || Array.isArray(endUser)) throw invalidJson('endUser is missing or malformed');
	for (const field of Object.keys(endUser)) {
		if (field !== 'phoneNumber' && field !== 'mobileOperatorId') throw invalidJson(`endUser has an unknown field: ${field}`);
	}
	const { min, max } = LIMITS.msisdnDigits;
	if (typeof endUser.phoneNumber !== 'string' || !new RegExp(`^[0-9]{${min},${max}}$`).test(endUser.phoneNumber)) {
		throw invalidJson('endUser.phoneNumber is missing or malformed');
	}
	if (endUser.mobileOperatorId !== undefined && !Number.isInteger(endUser.mobileOperatorId)) {
		throw invalidJson('endUser.mobileOperatorId is malformed');
	}
	for (const field of Object.keys(body)) {
		if (field !== 'endUser' && field !== 'variables') throw invalidJson(`unknown field: ${field}`);
	}
	if (variables !== undefined) {
		if (!variables || typeof variables !== 'object' || Array.isArray(variables)) throw invalidJson('variables is malformed');
		if (Object.keys(variables).length === 0) throw invalidJson('variables is empty');
		for (const [key, value] of Object.entries(variables)) {
			if (!INVOKE.variableKey.test(key)) throw invalidJson(`variable key ${JSON.stringify(key)} has invalid characters or length`);
			if (typeof value !== 'string' || value.length > INVOKE.variableValueMax) {
				throw invalidJson(`variable value of ${key} has invalid characters or is too long`);
			}
		}
	}
	return { phoneNumber: endUser.phoneNumber, mobileOperatorId: endUser.mobileOperatorId, variables: variables ?? {} };
}

/** Answers one Invoke Service request, or throws a MepReply carrying the JSON error. */
export function invokeService(state, { method, headers, body, serviceId, environment }) {
	if (method !== 'POST') throw fail(INVOKE.invalidMethod);
	const account = basicLogin(state, headers.authorization);
	if (!account) throw fail(INVOKE.badAuth);
	const mayInvoke =
		hasAnyRole(account, [ROLES.invokeApi]) && hasAnyRole(account, [ROLES.serviceManager, ROLES.serviceUser, ROLES.serviceViewer]);
	const service = state.services.find((s) => s.id === serviceId);
	if (!mayInvoke || !service || !canUseServiceCollection(account, service.serviceCollection)) throw fail(INVOKE.notAuthorized);
	if (!/^application\/json\b/i.test(headers['content-type'] ?? '')) throw invalidJson('Content-Type must be application/json');
	const request = validateBody(body);
	const requestId = randomUUID();
	state.invocations.push({ requestId, serviceId, environment, username: account.username, at: ukTimestamp(), ...request });
	return { status: 202, headers: { [INVOKE.requestIdHeader]: requestId } };
}
