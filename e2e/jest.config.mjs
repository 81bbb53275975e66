// End-to-end tests in a real n8n 2.41.1 (npm run test:e2e); one file at a time, long timeouts.
export default {
	rootDir: '..',
	testEnvironment: 'node',
	testMatch: ['<rootDir>/e2e/**/*.test.mjs'],
	transform: {},
	maxWorkers: 1,
	testTimeout: 180_000,
	reporters: ['default', '<rootDir>/test/helpers/summary-reporter.cjs'],
};
