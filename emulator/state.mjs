// The emulator's world: accounts with roles and access, collections, subscriptions and members,
// variables, gateway accounts, services, routing codes, and logs of what MEP accepted.
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { IDS, SUCCESS } from './assumptions.mjs';

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

export function loadSeed(seed) {
	if (typeof seed === 'string') return JSON.parse(readFileSync(seed, 'utf8'));
	return structuredClone(seed);
}

/** A fresh state from a seed object; logs start empty. */
export function createState(seed) {
	const s = structuredClone(seed);
	const state = {
		accounts: s.accounts ?? [],
		collections: s.collections ?? [],
		subscriptions: (s.subscriptions ?? []).map((sub) => ({ protected: false, enabled: true, description: '', members: [], ...sub })),
		gatewayAccounts: s.gatewayAccounts ?? [],
		serviceCollections: s.serviceCollections ?? [],
		services: s.services ?? [],
		routingCodes: s.routingCodes ?? [],
		variables: (s.variables ?? []).map((v) => ({ ...v, key: v.key.toLowerCase() })),
		/** The operator MEP knows per number (SPEC 2.7): UNKNOWN never overwrites it. */
		networks: s.networks ?? {},
		broadcasts: [],
		injectedMessages: [],
		invocations: [],
	};
	for (const sub of state.subscriptions) {
		for (const member of sub.members) {
			if (member.network && member.network !== 'UNKNOWN') state.networks[member.msisdn] ??= member.network;
		}
	}
	return state;
}

/** The state as JSON for GET /_emulator/state: everything but passwords. */
export function publicState(state) {
	return {
		...structuredClone(state),
		accounts: state.accounts.map(({ password: _password, ...account }) => structuredClone(account)),
	};
}

export function newId(existing = () => false) {
	for (;;) {
		let id = '';
		for (let i = 0; i < IDS.length; i++) id += IDS.alphabet[randomInt(IDS.alphabet.length)];
		if (!existing(id)) return id;
	}
}

/** `YYYY-MM-DD HH:MM:SS` in UK time. */
export function ukTimestamp(date = new Date()) {
	const parts = Object.fromEntries(
		new Intl.DateTimeFormat('en-GB', {
			timeZone: SUCCESS.startDateTimeZone,
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
			hourCycle: 'h23',
		})
			.formatToParts(date)
			.map((p) => [p.type, p.value]),
	);
	return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

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

export function canUseRoutingCode(account, code) {
	return hasRole(account, ROLES.routingManager) || allows(account.routingCodes, code);
}

export function canUseServiceCollection(account, serviceCollectionId) {
	return hasRole(account, ROLES.serviceManager) || allows(account.serviceCollections, serviceCollectionId);
}
