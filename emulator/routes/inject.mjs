// Inject Message (SPEC 4.2): a message MEP treats as sent by the end user, to start a service.
import { LIMITS, SUCCESS } from '../assumptions.mjs';
import { canUseRoutingCode, newId, ROLES, ukTimestamp } from '../state.mjs';
import { recordDocument } from '../xml.mjs';
import { authenticate, invalid, msisdn, required, requireRoles } from './common.mjs';

export const injectRoutes = {
	'/InjectMessage'(state, query) {
		const account = authenticate(state, query);
		requireRoles(account, [ROLES.routingManager, ROLES.routingUser, ROLES.routingViewer], [ROLES.injectApi]);
		const code = required(query, 'code');
		if (!state.routingCodes.some((r) => r.code === code) || !canUseRoutingCode(account, code)) throw invalid('code', code);
		const from = msisdn(query, 'from');
		const msg = required(query, 'msg');
		const encoding = query.get('encoding');
		if (encoding !== null && !LIMITS.injectEncodings.includes(encoding.toUpperCase())) throw invalid('encoding', encoding);
		const network = query.get('network');
		if (network !== null && !/^[A-Za-z0-9_]+$/.test(network)) throw invalid('network', network);
		const variables = {};
		for (const [name, value] of query) {
			const scope = name.split('.')[0];
			if (name.includes('.') && LIMITS.injectVariableScopes.includes(scope)) {
				if (!LIMITS.variableKey.test(name.slice(scope.length + 1))) throw invalid(name, value);
				variables[name] = value;
			}
		}
		const id = newId((candidate) => state.injectedMessages.some((m) => m.id === candidate));
		state.injectedMessages.push({ id, code, from, msg, encoding, network, variables, username: account.username, at: ukTimestamp() });
		const ack = SUCCESS.injectAck(id);
		return { xml: recordDocument(ack.root, ack.fields) };
	},
};
