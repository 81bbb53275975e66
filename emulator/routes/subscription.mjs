// Subscription API routes (SPEC 4.6–4.13); the two broadcasts under /subscriptionapi are in broadcast.mjs.
import { LIMITS, SUCCESS } from '../assumptions.mjs';
import { canAccessCollection, newId, ROLES, ukTimestamp } from '../state.mjs';
import { latin1Bytes, listDocument, listDocumentPieces } from '../xml.mjs';
import { authenticate, booleanParameter, invalid, maxLength, msisdn, reject, required, requireRoles, unknownId } from './common.mjs';

/** Subscriptions Manager or User, plus the two permissions every subscription call needs (SPEC 2.8). */
const SUBSCRIPTION_ROLES = [[ROLES.subscriptionsManager, ROLES.subscriptionsUser], [ROLES.subscriptionApi], [ROLES.viewUserDetails]];

function subscriptionUser(state, query) {
	const account = authenticate(state, query);
	requireRoles(account, ...SUBSCRIPTION_ROLES);
	return account;
}

/** A subscription the account may reach; unknown and inaccessible look alike (invalid parameter). */
function findSubscription(state, account, query) {
	const id = required(query, 'subscription');
	const subscription = state.subscriptions.find((s) => s.id === id);
	if (!subscription || !canAccessCollection(account, subscription.collection)) throw unknownId('subscription', id);
	return subscription;
}

function findCollection(state, account, query) {
	const id = required(query, 'collection');
	const collection = state.collections.find((c) => c.id === id);
	if (!collection || !canAccessCollection(account, collection.id)) throw unknownId('collection', id);
	return collection;
}

/** The children of `<subscription>`, in the documented order (SPEC 4.11). */
const subscriptionFields = (s) => ({ id: s.id, name: s.name, description: s.description, collection: s.collection, enabled: s.enabled });

/** Optional operator code; `UNKNOWN` (the default) and an empty value mean "not given". */
function networkParameter(query) {
	const network = query.get('network');
	if (network === null || network === '') return undefined;
	if (!SUCCESS.network.pattern.test(network)) throw invalid('network', network);
	return network.toUpperCase();
}

export const subscriptionRoutes = {
	'/subscriptionapi/adduser'(state, query) {
		const account = subscriptionUser(state, query);
		const subscription = findSubscription(state, account, query);
		const number = msisdn(query, 'msisdn');
		const network = networkParameter(query);
		if (!subscription.enabled) throw reject('subscriptionDisabledAdd');
		// UNKNOWN (or nothing) never overwrites an operator MEP already knows (SPEC 2.7).
		if (network && network !== 'UNKNOWN') state.networks[number] = network;
		const known = state.networks[number] ?? 'UNKNOWN';
		const index = memberIndex(subscription);
		let member = index.get(number);
		listChanged(subscription);
		if (!member) {
			member = { msisdn: number, network: known, startDate: ukTimestamp() };
			subscription.members.push(member);
			index.set(number, member);
		} else if (!SUCCESS.reAdd.answersSuccess) {
			throw invalid('msisdn', number);
		}
		member.network = known;
		return { xml: listDocument('users', 'user', [{ msisdn: number, network: known, enabled: true }]) };
	},

	'/subscriptionapi/removeuser'(state, query) {
		const account = subscriptionUser(state, query);
		const subscription = findSubscription(state, account, query);
		const number = msisdn(query, 'msisdn');
		if (!subscription.enabled) throw reject('subscriptionDisabledRemove');
		const index = memberIndex(subscription);
		const member = index.get(number);
		if (!member) return { xml: SUCCESS.removeUserNotSubscribed.bytes };
		listChanged(subscription);
		subscription.members.splice(subscription.members.indexOf(member), 1);
		index.delete(number);
		return { xml: listDocument('users', 'user', [{ msisdn: member.msisdn, network: member.network, enabled: false }]) };
	},

	'/subscriptionapi/viewsubscriptionusers'(state, query, { renderListsOnce = false } = {}) {
		const account = subscriptionUser(state, query);
		const subscription = findSubscription(state, account, query);
		return { pieces: renderListsOnce ? renderedList(subscription) : usersPieces(subscription) };
	},

	'/subscriptionapi/viewusersubscriptions'(state, query) {
		const account = subscriptionUser(state, query);
		const number = msisdn(query, 'msisdn');
		const all = booleanParameter(query, 'all') ?? false;
		const subscriptions = state.subscriptions.filter(
			(s) => canAccessCollection(account, s.collection) && s.members.some((m) => m.msisdn === number) && (all || s.enabled),
		);
		return { xml: listDocument('subscriptions', 'subscription', subscriptions.map(subscriptionFields)) };
	},

	'/subscriptionapi/getsubscriptionsincollection'(state, query) {
		const account = subscriptionUser(state, query);
		const collection = findCollection(state, account, query);
		const subscriptions = state.subscriptions.filter((s) => s.collection === collection.id);
		return { xml: listDocument('subscriptions', 'subscription', subscriptions.map(subscriptionFields)) };
	},

	'/subscriptionapi/getsubscriptioncollections'(state, query) {
		const account = subscriptionUser(state, query);
		const collections = state.collections
			.filter((c) => canAccessCollection(account, c.id))
			.map((c) => ({ id: c.id, name: c.name, description: c.description ?? '', enabled: c.enabled !== false }));
		return { xml: listDocument('collections', 'collection', collections) };
	},

	'/subscriptionapi/createsubscription'(state, query) {
		const account = subscriptionUser(state, query);
		const collection = findCollection(state, account, query);
		const name = maxLength('name', required(query, 'name'), LIMITS.subscriptionName.max);
		const description = maxLength('description', query.get('description'), LIMITS.subscriptionDescription.max) ?? '';
		const subscription = {
			id: newId((id) => state.subscriptions.some((s) => s.id === id)),
			name,
			description,
			collection: collection.id,
			enabled: true,
			protected: false,
			members: [],
		};
		state.subscriptions.push(subscription);
		return { xml: listDocument('subscriptions', 'subscription', [subscriptionFields(subscription)]) };
	},

	'/subscriptionapi/disablesubscription'(state, query) {
		const account = subscriptionUser(state, query);
		const subscription = findSubscription(state, account, query);
		if (subscription.protected) throw reject('subscriptionProtected');
		if (!subscription.enabled) throw reject('subscriptionAlreadyDisabled');
		subscription.enabled = false; // there is no API to enable it again (SPEC 4.7)
		return { text: SUCCESS.plainOk.text };
	},
};

/**
 * A subscription's members by number, so that Add User and Remove User on a million members take
 * microseconds, not a scan of the list. Kept per members array and rebuilt when the array is
 * replaced (a reset, a seed, a STOP) or changed elsewhere (its length no longer matches).
 */
const memberIndexes = new WeakMap();
function memberIndex(subscription) {
	let index = memberIndexes.get(subscription.members);
	if (!index || index.size !== subscription.members.length) {
		index = new Map(subscription.members.map((m) => [m.msisdn, m]));
		memberIndexes.set(subscription.members, index);
	}
	return index;
}

/**
 * The answer of viewsubscriptionusers: only current members, always enabled=true (SPEC 4.8);
 * removed numbers are gone from `members`. The list as it is now, written as it is generated (a
 * million members is never one string).
 */
function usersPieces(subscription) {
	const users = subscription.members.slice();
	const fields = function* () {
		for (const m of users) yield { msisdn: m.msisdn, network: m.network, enabled: true, startDate: m.startDate };
	};
	return listDocumentPieces('users', 'user', fields());
}

/**
 * renderListsOnce: the answer's bytes, rendered at the first request and kept while the list is
 * the same array with the same changes (the API's Add User and Remove User change it in place and
 * count here; a seed, a reset, a STOP and POST /_emulator/members give it a new array).
 */
const renderedLists = new WeakMap();
const listChanges = new WeakMap();
const listChanged = (subscription) => listChanges.set(subscription, (listChanges.get(subscription) ?? 0) + 1);
function renderedList(subscription) {
	const changes = listChanges.get(subscription) ?? 0;
	let rendered = renderedLists.get(subscription.members);
	if (rendered?.changes !== changes) {
		rendered = { changes, pieces: [...usersPieces(subscription)].map(latin1Bytes) };
		renderedLists.set(subscription.members, rendered);
	}
	return rendered.pieces;
}
