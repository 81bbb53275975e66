// What every cmx2api route checks first: the login, roles, parameters (SPEC 2.2, 4.9, 8).
import { LIMITS, REJECTIONS } from '../assumptions.mjs';
import { MepReply } from '../http.mjs';
import { hasAnyRole } from '../state.mjs';

/** A MepReply for one entry of the rejection table. */
export function reject(name, ...args) {
	const entry = REJECTIONS[name];
	return new MepReply(entry.status, entry.text(...args), { headers: entry.headers });
}

export const invalid = (parameter, value) => reject('invalidParameter', parameter, value);
/** An ID that does not exist or that the account may not see: the same answer, so IDs do not leak. */
export const unknownId = (parameter, value) => reject('unknownOrInaccessibleId', parameter, value);

/** Both query parameters are mandatory and compared exactly (MEP logins are case-sensitive). */
export function authenticate(state, query) {
	const username = query.get('username');
	const password = query.get('password');
	if (!username || !password) throw reject('badCredentials');
	const account = state.accounts.find((a) => a.username === username && a.password === password);
	if (!account) throw reject('badCredentials');
	return account;
}

/** A mandatory parameter; MEP names a missing one with the value `null`. */
export function required(query, name) {
	const value = query.get(name);
	if (value === null) throw invalid(name, null);
	if (value.trim() === '') throw invalid(name, value);
	return value;
}

/** Limits count characters (code points), not bytes or UTF-16 units. */
export function maxLength(name, value, max) {
	if (value !== null && value !== undefined && [...value].length > max) throw reject('tooLong', name, value);
	return value;
}

export function msisdn(query, name) {
	const value = required(query, name);
	const { min, max } = LIMITS.msisdn;
	if (!/^[0-9]+$/.test(value) || value.length < min || value.length > max) throw invalid(name, value);
	return value;
}

export function booleanParameter(query, name) {
	const value = query.get(name);
	if (value === null) return undefined;
	if (value !== 'true' && value !== 'false') throw invalid(name, value);
	return value === 'true';
}

/** `YYYY-MM-DD HH:MM:SS` (SPEC 2.4), optional. */
export function dateParameter(query, name) {
	const value = query.get(name);
	if (value === null) return undefined;
	const match = LIMITS.dates.pattern.exec(value);
	const valid =
		match && +match[2] >= 1 && +match[2] <= 12 && +match[3] >= 1 && +match[3] <= 31 && +match[4] <= 23 && +match[5] <= 59 && +match[6] <= 59;
	if (!valid) throw invalid(name, value);
	return value;
}

/** Every role of one of the sets, e.g. [[Manager, User], [API user]] = (Manager or User) and API user. */
export function requireRoles(account, ...sets) {
	for (const set of sets) {
		if (!hasAnyRole(account, set)) throw reject('missingRole', set.join(' or '));
	}
}
