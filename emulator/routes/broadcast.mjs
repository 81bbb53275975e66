// SMS, MMS and service broadcasts (SPEC 4.3–4.5): validated, recorded, acknowledged with XML.
import { LIMITS, SUCCESS } from '../assumptions.mjs';
import { canAccessCollection, canUseGateway, canUseServiceCollection, newId, ROLES, ukTimestamp } from '../state.mjs';
import { recordDocument } from '../xml.mjs';
import { authenticate, booleanParameter, dateParameter, invalid, maxLength, reject, required, requireRoles, unknownId } from './common.mjs';

/** GSM 03.38 default alphabet, and the extension table whose characters take two units. */
const GSM_BASIC =
	'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '^{}\\[~]|€\f';

/** Broadcast User plus the broadcast type (SPEC 2.8). */
function broadcaster(state, query, type) {
	const account = authenticate(state, query);
	requireRoles(account, [ROLES.broadcastUser], [ROLES.broadcastType(type)]);
	return account;
}

/** Comma-separated subscription IDs, each known and accessible; the whole list is named when one is wrong. */
function subscriptionsParameter(state, account, query) {
	const raw = required(query, 'subscriptions');
	const ids = raw.split(',');
	if (ids.length > LIMITS.broadcastSubscriptions.max) throw invalid('subscriptions', raw);
	return ids.map((id) => {
		const subscription = state.subscriptions.find((s) => s.id === id);
		if (!subscription || !canAccessCollection(account, subscription.collection)) throw unknownId('subscriptions', raw);
		return subscription;
	});
}

/** An SMS or MMS gateway account (API ID) of the right type that the user may use. */
function gatewayParameter(state, account, query, type) {
	const id = required(query, 'account');
	const gateway = state.gatewayAccounts.find((g) => g.id === id && g.type === type);
	if (!gateway) throw unknownId('account', id);
	if (!canUseGateway(account, id)) throw reject('gatewayNotAllowed', id);
	return gateway;
}

/** Members of the enabled subscriptions, once each: a disabled subscription delivers nothing (SPEC 4.7). */
function recipients(subscriptions) {
	return new Set(subscriptions.filter((s) => s.enabled).flatMap((s) => s.members.map((m) => m.msisdn))).size;
}

/** Logs the accepted broadcast with every parameter as decoded (the login left out) and acknowledges it. */
function record(state, type, account, query, fields, subscriptions) {
	const id = newId((candidate) => state.broadcasts.some((b) => b.id === candidate));
	const parameters = Object.fromEntries([...query].filter(([name]) => !/^(username|password)$/i.test(name)));
	state.broadcasts.push({
		id,
		type,
		username: account.username,
		at: ukTimestamp(),
		recipients: recipients(subscriptions),
		subscriptions: subscriptions.map((s) => s.id),
		parameters,
		...fields,
	});
	const ack = SUCCESS.broadcastAck;
	return { xml: recordDocument(ack.root, ack.fields(id)) };
}

/** GSM-7 only and short enough: 160 units single part, or maxParts × 153 when multipart. */
function fitsGsm(message, multipart) {
	let units = 0;
	for (const char of message) {
		if (GSM_BASIC.includes(char)) units += 1;
		else if (GSM_EXTENSION.includes(char)) units += 2;
		else return false;
	}
	const { singlePartUnits, multipartUnits, maxParts } = LIMITS.sms;
	return units <= (multipart ? multipartUnits * maxParts : singlePartUnits);
}

export const broadcastRoutes = {
	'/broadcastapi/v1/createsmsbroadcast'(state, query) {
		const account = broadcaster(state, query, 'SMS');
		const subscriptions = subscriptionsParameter(state, account, query);
		const gateway = gatewayParameter(state, account, query, 'sms');
		const name = maxLength('name', required(query, 'name'), LIMITS.broadcastName.max);
		const message = required(query, 'message');
		const characterSupport = query.get('charactersupport');
		if (characterSupport !== null && !LIMITS.sms.characterSupportValues.includes(characterSupport)) throw invalid('charactersupport', characterSupport);
		const multipart = booleanParameter(query, 'multipart');
		// With EL the final text is unknown, so MEP checks each message later instead (SPEC 4.3).
		if (characterSupport === 'gsm' && !message.includes('${') && !fitsGsm(message, multipart === true)) throw invalid('message', message);
		return record(state, 'sms', account, query, { name, message, account: gateway.id }, subscriptions);
	},

	'/subscriptionapi/createmmsbroadcast'(state, query) {
		const account = broadcaster(state, query, 'MMS');
		if (!account.mmsCapable) throw reject('notMmsCapable');
		const subscriptions = subscriptionsParameter(state, account, query);
		const gateway = gatewayParameter(state, account, query, 'mms');
		const name = maxLength('name', required(query, 'name'), LIMITS.broadcastName.max);
		const contents = required(query, 'contents');
		if (!LIMITS.mmsContents.pattern.test(contents)) throw invalid('contents', contents);
		const sendDate = dateParameter(query, 'senddate');
		const pickDate = dateParameter(query, 'pickdate');
		return record(state, 'mms', account, query, { name, contents, account: gateway.id, sendDate, pickDate }, subscriptions);
	},

	'/subscriptionapi/createservicebroadcast'(state, query) {
		const account = broadcaster(state, query, 'Service');
		const subscriptions = subscriptionsParameter(state, account, query);
		const serviceId = required(query, 'serviceid');
		const service = state.services.find((s) => s.id === serviceId);
		if (!service || !canUseServiceCollection(account, service.serviceCollection)) throw unknownId('serviceid', serviceId);
		const name = maxLength('name', required(query, 'name'), LIMITS.broadcastName.max);
		const sendDate = dateParameter(query, 'senddate'); // UK time (SPEC 4.5), kept as given
		return record(state, 'service', account, query, { name, serviceId, sendDate }, subscriptions);
	},
};
