// Inject Message (SPEC 4.2): a message MEP treats as sent by the end user, to start a service.
import { LIMITS, SUCCESS } from '../assumptions.mjs';
import { canUseRoutingCode, newId, ROLES, ukTimestamp } from '../state.mjs';
import { recordDocument } from '../xml.mjs';
import { authenticate, invalid, msisdn, required, requireRoles, unknownId } from './common.mjs';

/** A Routing role plus the inject interface (SPEC 2.8). */
const INJECT_ROLES = [[ROLES.routingManager, ROLES.routingUser, ROLES.routingViewer], [ROLES.injectApi]];

/** Parameters named `<scope>.<key>` for the inject variable scopes, e.g. `user.firstname`. */
function variableParameters(query) {
	const variables = {};
	for (const [name, value] of query) {
		const dot = name.indexOf('.');
		if (dot === -1 || !LIMITS.injectVariables.scopes.includes(name.slice(0, dot))) continue;
		if (!LIMITS.variableKey.pattern.test(name.slice(dot + 1))) throw invalid(name, value);
		variables[name] ??= value;
	}
	return variables;
}

export const injectRoutes = {
	'/InjectMessage'(state, query) {
		const account = authenticate(state, query);
		requireRoles(account, ...INJECT_ROLES);
		const code = required(query, 'code');
		const routingCode = state.routingCodes.find((r) => r.code === code);
		if (!routingCode || !canUseRoutingCode(account, code)) throw unknownId('code', code);
		const from = msisdn(query, 'from');
		const msg = required(query, 'msg');
		const encoding = query.get('encoding');
		if (encoding !== null && !LIMITS.injectEncodings.values.includes(encoding.toUpperCase())) throw invalid('encoding', encoding);
		const network = query.get('network');
		if (network !== null && network !== '' && !SUCCESS.network.pattern.test(network)) throw invalid('network', network);
		// Like adduser, a network names the operator MEP then knows for the number (SPEC 2.7).
		if (network && network.toUpperCase() !== 'UNKNOWN') state.networks[from] = network.toUpperCase();
		const variables = variableParameters(query);
		const id = newId((candidate) => state.injectedMessages.some((m) => m.id === candidate));
		state.injectedMessages.push({
			id,
			code,
			service: routingCode.service,
			from,
			msg,
			encoding,
			network,
			variables,
			username: account.username,
			at: ukTimestamp(),
		});
		const ack = SUCCESS.injectAck;
		return { xml: recordDocument(ack.root, ack.fields(id)) };
	},
};
