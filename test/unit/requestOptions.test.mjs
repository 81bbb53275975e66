// Request Options as the editor offers them: adding an option must not change what unset meant.
import { loadSource } from '../helpers/source.mjs';

const { requestOptionsProperty, requestSettings } = loadSource('nodes/OpenMarketMep/shared/requestOptions.ts');
const { OpenMarketMepTrigger } = loadSource('nodes/OpenMarketMepTrigger/OpenMarketMepTrigger.node.ts');
const { DEFAULT_TIMEOUT_MS: TRIGGER_UNSET_TIMEOUT } = loadSource('nodes/OpenMarketMepTrigger/poll.ts');

const node = { id: 'n', name: 'OpenMarket MEP', type: 'openMarketMep', typeVersion: 1, position: [0, 0], parameters: {} };
const option = (options, name) => options.find((entry) => entry.name === name);

test('Timeout, once added, holds what unset means: 300,000 ms', () => {
	const timeout = option(requestOptionsProperty.options, 'timeout');
	const unset = requestSettings(node, {}, 'Request Options').timeout;
	expect(unset).toBe(300_000);
	expect(timeout.default).toBe(unset);
	expect(requestSettings(node, { timeout: timeout.default }, 'Request Options').timeout).toBe(unset);
	expect(timeout.description).toMatch(/turn/);
});

test('the trigger\'s Options › Timeout, once added, holds what unset means for a poll', () => {
	const options = new OpenMarketMepTrigger().description.properties.find((p) => p.name === 'options').options;
	expect(option(options, 'timeout').default).toBe(TRIGGER_UNSET_TIMEOUT);
	expect(TRIGGER_UNSET_TIMEOUT).toBe(60_000);
});
