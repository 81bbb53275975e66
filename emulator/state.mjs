// The emulator's world: accounts with roles and access, collections, subscriptions and members,
// variables, gateway accounts, services, routing codes, and logs of what MEP accepted.
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { IDS, SUCCESS } from './assumptions.mjs';

/** MEP's role and permission names (SPEC 2.8), as the seed's `roles` spell them. */
export const ROLES = {
	subscriptionsManager: 'Subscriptions Manager',
	subscriptionsUser: 'Subscriptions User',
	subscriptionApi: 'HTTP Subscription API user',
	viewUserDetails: 'View and download user details',
	broadcastUser: 'Broadcasts: User',
	broadcastType: (type) => `Broadcasts - Broadcast Types: ${type}`,
	routingManager: 'Routing Manager',
	routingUser: 'Routing User',
	routingViewer: 'Routing Viewer',
	injectApi: 'HTTP Inject API user',
	serviceManager: 'Service Manager',
	serviceUser: 'Service User',
	serviceViewer: 'Service Viewer',
	invokeApi: 'Invoke Service API',
	systemManager: 'System Manager',
};

/** A seed from a JSON file path or an object (copied, so the caller's object is never changed). */
export function loadSeed(seed) {
	const object = typeof seed === 'string' ? JSON.parse(readFileSync(seed, 'utf8')) : structuredClone(seed);
	validateSeed(object);
	return object;
}

class SeedError extends Error {}

/**
 * Checks the seed's shape so a mistake in a hand-written seed fails at start-up with its path
 * (e.g. `subscriptions[2].collection`), not later as a confusing MEP answer. Unknown keys are
 * allowed; a state snapshot (GET /_emulator/state, which has no passwords) is a valid seed.
 */
export function validateSeed(seed) {
	const fail = (where, what) => {
		throw new SeedError(`invalid seed: ${where} ${what}`);
	};
	const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
	const string = (where, value, optional = false) => {
		if (value === undefined && optional) return;
		if (typeof value !== 'string' || (!optional && value === '')) fail(where, 'must be a non-empty string');
	};
	const strings = (where, value) => {
		if (value === undefined) return;
		if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) fail(where, 'must be an array of strings');
	};
	const list = (name) => {
		const value = seed[name];
		if (value === undefined) return [];
		if (!Array.isArray(value) || value.some((v) => !isObject(v))) fail(name, 'must be an array of objects');
		return value;
	};
	const unique = (name, items, key) => {
		const seen = new Set();
		items.forEach((item, i) => {
			if (seen.has(item[key])) fail(`${name}[${i}].${key}`, `"${item[key]}" is used twice`);
			seen.add(item[key]);
		});
	};
	if (!isObject(seed)) fail('seed', 'must be a JSON object');

	const accounts = list('accounts');
	accounts.forEach((a, i) => {
		string(`accounts[${i}].username`, a.username);
		string(`accounts[${i}].password`, a.password, true);
		for (const key of ['roles', 'collections', 'gatewayAccounts', 'routingCodes', 'serviceCollections']) strings(`accounts[${i}].${key}`, a[key]);
	});
	unique('accounts', accounts, 'username');

	const collections = list('collections');
	collections.forEach((c, i) => string(`collections[${i}].id`, c.id));
	unique('collections', collections, 'id');
	const collectionIds = new Set(collections.map((c) => c.id));

	const subscriptions = list('subscriptions');
	subscriptions.forEach((s, i) => {
		string(`subscriptions[${i}].id`, s.id);
		string(`subscriptions[${i}].name`, s.name, true);
		if (!collectionIds.has(s.collection)) fail(`subscriptions[${i}].collection`, `"${s.collection}" is not one of the collections`);
		if (s.members !== undefined && !Array.isArray(s.members)) fail(`subscriptions[${i}].members`, 'must be an array');
		(s.members ?? []).forEach((m, j) => {
			if (!isObject(m) || typeof m.msisdn !== 'string' || !/^[0-9]+$/.test(m.msisdn)) fail(`subscriptions[${i}].members[${j}].msisdn`, 'must be a string of digits');
		});
	});
	unique('subscriptions', subscriptions, 'id');

	const gateways = list('gatewayAccounts');
	gateways.forEach((g, i) => {
		string(`gatewayAccounts[${i}].id`, g.id);
		if (g.type !== 'sms' && g.type !== 'mms') fail(`gatewayAccounts[${i}].type`, 'must be "sms" or "mms"');
	});

	const serviceCollections = list('serviceCollections');
	serviceCollections.forEach((c, i) => string(`serviceCollections[${i}].id`, c.id));
	const serviceCollectionIds = new Set(serviceCollections.map((c) => c.id));
	const services = list('services');
	services.forEach((s, i) => {
		string(`services[${i}].id`, s.id);
		if (!serviceCollectionIds.has(s.serviceCollection)) fail(`services[${i}].serviceCollection`, `"${s.serviceCollection}" is not one of the serviceCollections`);
	});
	list('routingCodes').forEach((r, i) => string(`routingCodes[${i}].code`, r.code));
	list('variables').forEach((v, i) => {
		if (v.scope !== 'service' && v.scope !== 'servicecoll') fail(`variables[${i}].scope`, 'must be "service" or "servicecoll"');
		string(`variables[${i}].id`, v.id);
		string(`variables[${i}].key`, v.key);
		if (typeof v.value !== 'string') fail(`variables[${i}].value`, 'must be a string');
	});
	if (seed.networks !== undefined && !isObject(seed.networks)) fail('networks', 'must be an object of msisdn → operator code');
	for (const log of ['broadcasts', 'injectedMessages', 'invocations']) list(log);
}

export const isSeedError = (error) => error instanceof SeedError || error instanceof SyntaxError;

/** A fresh state from a (validated) seed; logs come from the seed if it has them, else start empty. */
export function createState(seed) {
	const s = structuredClone(seed);
	const state = {
		accounts: (s.accounts ?? []).map((account) => ({
			roles: [],
			collections: [],
			gatewayAccounts: [],
			routingCodes: [],
			serviceCollections: [],
			mmsCapable: false,
			...account,
		})),
		collections: s.collections ?? [],
		subscriptions: (s.subscriptions ?? []).map((sub) => ({ protected: false, enabled: true, description: '', members: [], ...sub })),
		gatewayAccounts: s.gatewayAccounts ?? [],
		serviceCollections: s.serviceCollections ?? [],
		services: s.services ?? [],
		routingCodes: s.routingCodes ?? [],
		variables: (s.variables ?? []).map((v) => ({ ...v, key: v.key.toLowerCase() })),
		/** The operator MEP knows per number (SPEC 2.7): UNKNOWN never overwrites it. */
		networks: s.networks ?? {},
		broadcasts: s.broadcasts ?? [],
		injectedMessages: s.injectedMessages ?? [],
		invocations: s.invocations ?? [],
	};
	for (const sub of state.subscriptions) {
		for (const member of sub.members) {
			member.network ??= 'UNKNOWN';
			member.startDate ??= ukTimestamp();
			if (member.network !== 'UNKNOWN') state.networks[member.msisdn] ??= member.network;
		}
	}
	return state;
}

/** The state as JSON for GET /_emulator/state: everything but passwords. */
export function publicState(state) {
	const copy = structuredClone(state);
	copy.accounts = copy.accounts.map(({ password: _password, ...account }) => account);
	return copy;
}

/** A fresh ID of the shape in the assumptions table, not yet used according to `taken`. */
export function newId(taken = () => false) {
	const { length, alphabet } = IDS.created;
	for (;;) {
		let id = '';
		for (let i = 0; i < length; i++) id += alphabet[randomInt(alphabet.length)];
		if (!taken(id)) return id;
	}
}

const ukFormat = new Intl.DateTimeFormat('en-GB', {
	timeZone: SUCCESS.startDate.timeZone,
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
	hour: '2-digit',
	minute: '2-digit',
	second: '2-digit',
	hourCycle: 'h23',
});

/** `YYYY-MM-DD HH:MM:SS` in UK time. */
export function ukTimestamp(date = new Date()) {
	const parts = Object.fromEntries(ukFormat.formatToParts(date).map((p) => [p.type, p.value]));
	return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** System managers have every role (SPEC 2.8: "System managers have full access automatically"). */
export const hasRole = (account, role) => account.roles.includes(role) || account.roles.includes(ROLES.systemManager);
export const hasAnyRole = (account, roles) => roles.some((role) => hasRole(account, role));

const allows = (list, id) => Array.isArray(list) && (list.includes('*') || list.includes(id));

/** Subscription managers see every collection (SPEC 2.8); users only those granted. */
export function canAccessCollection(account, collectionId) {
	return hasRole(account, ROLES.subscriptionsManager) || allows(account.collections, collectionId);
}

export function canUseGateway(account, gatewayId) {
	return hasRole(account, ROLES.systemManager) || allows(account.gatewayAccounts, gatewayId);
}

/** Routing managers have every inject routing code automatically (SPEC 2.8). */
export function canUseRoutingCode(account, code) {
	return hasRole(account, ROLES.routingManager) || allows(account.routingCodes, code);
}

/** Service managers see every service collection (SPEC 2.8). */
export function canUseServiceCollection(account, serviceCollectionId) {
	return hasRole(account, ROLES.serviceManager) || allows(account.serviceCollections, serviceCollectionId);
}

const isPlainObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Members added or removed the way MEP's own users change a subscription (its web interface, a
 * keyword, an import), not through the API: `add` holds numbers or { msisdn, network?, startDate? },
 * `remove` numbers. Answers what changed. Throws a SeedError (400) for an unknown subscription or
 * a number that is not digits; then nothing changed.
 */
export function changeMembers(state, change) {
	if (!isPlainObject(change)) throw new SeedError('the body must be an object { subscription, add?, remove? }');
	const { subscription: id, add = [], remove = [] } = change;
	const subscription = state.subscriptions.find((s) => s.id === id);
	if (!subscription) throw new SeedError(`subscription: "${id}" is not a subscription of the emulator`);
	if (!Array.isArray(add) || !Array.isArray(remove)) throw new SeedError('add and remove must be arrays');
	const adds = add.map((entry) => (typeof entry === 'string' ? { msisdn: entry } : entry));
	for (const [i, entry] of adds.entries()) {
		if (!isPlainObject(entry) || typeof entry.msisdn !== 'string' || !/^[0-9]+$/.test(entry.msisdn)) throw new SeedError(`add[${i}].msisdn must be a string of digits`);
		if (entry.network !== undefined && (typeof entry.network !== 'string' || !/^[A-Za-z0-9_]+$/.test(entry.network))) throw new SeedError(`add[${i}].network must be an operator code such as O2UK`);
		if (entry.startDate !== undefined && (typeof entry.startDate !== 'string' || !/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(entry.startDate))) {
			throw new SeedError(`add[${i}].startDate must be MEP's YYYY-MM-DD HH:MM:SS`);
		}
		if (remove.includes(entry.msisdn)) throw new SeedError(`${entry.msisdn} is both in add and in remove`);
	}
	for (const [i, msisdn] of remove.entries()) {
		if (typeof msisdn !== 'string' || !/^[0-9]+$/.test(msisdn)) throw new SeedError(`remove[${i}] must be a string of digits`);
	}
	const gone = new Set(remove);
	const removed = subscription.members.filter((m) => gone.has(m.msisdn)).map((m) => m.msisdn);
	subscription.members = subscription.members.filter((m) => !gone.has(m.msisdn));
	const present = new Set(subscription.members.map((m) => m.msisdn));
	const added = [];
	for (const entry of adds) {
		if (present.has(entry.msisdn)) continue;
		present.add(entry.msisdn);
		const network = entry.network ?? state.networks[entry.msisdn] ?? 'UNKNOWN';
		if (network !== 'UNKNOWN') state.networks[entry.msisdn] ??= network;
		subscription.members.push({ msisdn: entry.msisdn, network, startDate: entry.startDate ?? ukTimestamp() });
		added.push(entry.msisdn);
	}
	return { subscription: id, added, removed, members: subscription.members.length };
}

/**
 * A member texts STOP: MEP takes the number out of `subscription`, or out of every subscription
 * it is in when none is named. MEP handles opt-out keywords itself; no API call is involved, so
 * only Get Users can tell. Answers the subscriptions it left.
 */
export function textStop(state, stop) {
	if (!isPlainObject(stop)) throw new SeedError('the body must be an object { msisdn, subscription? }');
	const { msisdn, subscription } = stop;
	if (typeof msisdn !== 'string' || !/^[0-9]+$/.test(msisdn)) throw new SeedError('msisdn must be a string of digits');
	if (subscription !== undefined && !state.subscriptions.some((s) => s.id === subscription)) {
		throw new SeedError(`subscription: "${subscription}" is not a subscription of the emulator`);
	}
	const leftFrom = [];
	for (const sub of state.subscriptions) {
		if (subscription !== undefined && sub.id !== subscription) continue;
		const before = sub.members.length;
		sub.members = sub.members.filter((m) => m.msisdn !== msisdn);
		if (sub.members.length < before) leftFrom.push(sub.id);
	}
	return { msisdn, leftFrom };
}
