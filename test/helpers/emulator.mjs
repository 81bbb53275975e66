// Starts the MEP emulator on a free 127.0.0.1 port for one test file and gives tests its logins.
import { startEmulator } from '../../emulator/index.mjs';

export const DEMO = { username: 'demo', password: 'Mep-Demo-Pa55&word' };
export const VIEWER = { username: 'viewer', password: 'Viewer-Pa55' };
export const SUBS_ONLY = { username: 'subsonly', password: 'Subs-Pa55' };

/** Call in a describe block: starts one emulator before the tests and stops it after them. */
export function useEmulator(options = {}) {
	const context = {};
	beforeAll(async () => {
		context.emulator = await startEmulator({ port: 0, ...options });
	});
	afterAll(async () => {
		await context.emulator?.close();
	});
	beforeEach(async () => {
		await context.emulator.reset();
		await context.emulator.clearFaults();
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
