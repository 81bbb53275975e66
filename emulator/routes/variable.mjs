// Variables API (SPEC 4.14–4.15, 5): service and servicecoll scopes, keys case-insensitive.
import { LIMITS, SUCCESS } from '../assumptions.mjs';
import { canUseServiceCollection } from '../state.mjs';
import { authenticate, invalid, maxLength, required, unknownId } from './common.mjs';

/** Scope, owner and key of the variable a request names; the owner must be one the account may use. */
function variableAddress(state, query) {
	const account = authenticate(state, query); // no role needed beyond a MEP account (SPEC 2.8)
	const scope = required(query, 'scope');
	if (!LIMITS.variableScopes.values.includes(scope)) throw invalid('scope', scope);
	const id = required(query, 'id');
	const owned =
		scope === 'service'
			? state.services.some((s) => s.id === id && canUseServiceCollection(account, s.serviceCollection))
			: state.serviceCollections.some((c) => c.id === id && canUseServiceCollection(account, c.id));
	if (!owned) throw unknownId('id', id);
	const key = required(query, 'key');
	if (!LIMITS.variableKey.pattern.test(key)) throw invalid('key', key);
	return { scope, id, key: key.toLowerCase() };
}

const same = (a) => (v) => v.scope === a.scope && v.id === a.id && v.key === a.key;

export const variableRoutes = {
	'/variableapi/set'(state, query) {
		const address = variableAddress(state, query);
		const value = query.get('value');
		if (value === null) throw invalid('value', null);
		maxLength('value', value, LIMITS.variableValue.max);
		const existing = state.variables.find(same(address));
		if (existing) existing.value = value;
		else state.variables.push({ ...address, value });
		return { text: SUCCESS.plainOk.text };
	},

	'/variableapi/delete'(state, query) {
		const address = variableAddress(state, query);
		const index = state.variables.findIndex(same(address));
		if (index === -1) return { raw204: SUCCESS.variableDidNotExist };
		state.variables.splice(index, 1);
		return { text: SUCCESS.plainOk.text };
	},
};
