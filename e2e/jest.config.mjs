// End-to-end tests in a real n8n, the line MEP_N8N names (npm run test:e2e runs each); one file at a
// time, long timeouts.
export default {
	rootDir: '..',
	testEnvironment: 'node',
	testMatch: ['<rootDir>/e2e/**/*.test.mjs'],
	transform: {},
	// The n8n installs and the built package: not test modules (and their package names collide).
	modulePathIgnorePatterns: ['<rootDir>/.cache/', '<rootDir>/dist/'],
	maxWorkers: 1,
	testTimeout: 180_000,
	reporters: ['default', '<rootDir>/test/helpers/summary-reporter.cjs'],
};
