// Tests are ES modules (.mjs) run against the built dist/ and the emulator over real HTTP.
export default {
	testEnvironment: 'node',
	testMatch: ['<rootDir>/test/**/*.test.mjs'],
	transform: {},
	testTimeout: 30000,
	reporters: ['default', '<rootDir>/test/helpers/summary-reporter.cjs'],
};
