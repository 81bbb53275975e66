// Invoke Service (SPEC 4.1): POST JSON with Basic auth on the service-manager host, 202 + request
// ID on success, JSON error codes otherwise. CIE validates the same but never runs the service.
import { randomUUID } from 'node:crypto';
import { INVOKE, LIMITS } from '../assumptions.mjs';
import { MepReply } from '../http.mjs';
import { canUseServiceCollection, hasAnyRole, ROLES, ukTimestamp } from '../state.mjs';

const fail = (entry, message = entry.message) =>
	new MepReply(entry.status, INVOKE.envelope.error(entry.code, message), { contentType: 'application/json' });
const invalidJson = (condition) => fail(INVOKE.invalidJson, `${INVOKE.invalidJson.prefix}${condition}.`);
const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

/** `Authorization: Basic base64(accountId:password)`; both parts case-sensitive (SPEC 2.2). */
function basicLogin(state, header) {
	const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
	if (!match) return undefined;
	const decoded = Buffer.from(match[1], 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon === -1) return undefined;
	const username = decoded.slice(0, colon);
	const password = decoded.slice(colon + 1);
	return state.accounts.find((a) => a.username === username && a.password !== undefined && a.password === password);
}

/** The documented 12002 conditions (SPEC 4.1), each with its own tail. */
function validateBody(text) {
	let body;
	try {
		body = JSON.parse(text);
	} catch {
		throw invalidJson('The body is not valid JSON');
	}
	if (!isObject(body)) throw invalidJson('The body must be a JSON object');
	for (const field of Object.keys(body)) {
		if (field !== 'endUser' && field !== 'variables') throw invalidJson(`Unknown field: ${field}`);
	}
	const { endUser, variables } = body;
	if (!isObject(endUser)) throw invalidJson('endUser is missing or malformed');
	for (const field of Object.keys(endUser)) {
		// A misspelt field such as `phnNumber` must be refused (SPEC 2.10).
		if (field !== 'phoneNumber' && field !== 'mobileOperatorId') throw invalidJson(`endUser has an unknown field: ${field}`);
	}
	const { min, max } = LIMITS.msisdn;
	if (typeof endUser.phoneNumber !== 'string' || !/^[0-9]+$/.test(endUser.phoneNumber) || endUser.phoneNumber.length < min || endUser.phoneNumber.length > max) {
		throw invalidJson('endUser.phoneNumber is missing or malformed');
	}
	if (endUser.mobileOperatorId !== undefined && !Number.isInteger(endUser.mobileOperatorId)) {
		throw invalidJson('endUser.mobileOperatorId is malformed');
	}
	if (variables !== undefined) {
		if (!isObject(variables)) throw invalidJson('variables is malformed');
		if (Object.keys(variables).length === 0) throw invalidJson('variables is empty');
		for (const [key, value] of Object.entries(variables)) {
			if (!INVOKE.variables.keyPattern.test(key)) throw invalidJson(`Variable key ${JSON.stringify(key)} has invalid characters or length`);
			if (typeof value !== 'string' || [...value].length > INVOKE.variables.valueMax) {
				throw invalidJson(`Variable value of ${key} has invalid characters or is too long`);
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
	// CIE "does not actually invoke the service" (SPEC 2.10): logged, flagged, never run.
	state.invocations.push({ requestId, serviceId, environment, ran: environment === 'production', username: account.username, at: ukTimestamp(), ...request });
	return { status: 202, headers: { [INVOKE.requestIdHeader.name]: requestId } };
}
