// Starts the MEP emulator on a free 127.0.0.1 port for one test file and gives tests its logins.
import { startEmulator } from '../../emulator/index.mjs';

export const DEMO = { username: 'demo', password: 'Mep-Demo-Pa55&word' };
export const VIEWER = { username: 'viewer', password: 'Viewer-Pa55' };
export const SUBS_ONLY = { username: 'subsonly', password: 'Subs-Pa55' };

/**
 * Call in a describe block: each test gets an emulator of its own (a new port, so a new MEP
 * account to the node: the pace one test's runs learned of an account does not carry into the
 * next test, as it would in one n8n process), stopped after it.
 */
export function useEmulator(options = {}) {
	const context = {};
	beforeEach(async () => {
		context.emulator = await startEmulator({ port: 0, ...options });
	});
	afterEach(async () => {
		await context.emulator?.close();
		context.emulator = undefined;
	});
	return {
		get emulator() {
			return context.emulator;
		},
		/** An OpenMarket MEP API credential pointing at the emulator. */
		credentials(login = DEMO) {
			return { ...login, baseUrl: context.emulator.baseUrl };
		},
		/** The MEP requests the emulator received since the last reset (password shown as ***). */
		async requests() {
			const response = await fetch(`${context.emulator.baseUrl}/_emulator/requests`);
			return response.json();
		},
	};
}
