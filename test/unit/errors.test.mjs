import { loadSource } from '../helpers/source.mjs';

const { scrubSecrets, isMepRejectionText } = loadSource('nodes/OpenMarketMep/shared/errors.ts');

describe('scrubSecrets', () => {
	const password = 'Mep-Demo-Pa55&word';

	test('removes the password raw, URL-encoded and form-encoded, and any password= value', () => {
		const text = [
			`raw ${password}`,
			`encoded ${encodeURIComponent(password)}`,
			'query ?username=demo&password=anything-else&x=1',
			'form pass%20word',
		].join('\n');
		const scrubbed = scrubSecrets(text, [password, 'pass word']);
		expect(scrubbed).not.toContain(password);
		expect(scrubbed).not.toContain(encodeURIComponent(password));
		expect(scrubbed).not.toContain('anything-else');
		expect(scrubbed).not.toContain('pass%20word');
		expect(scrubbed).toContain('password=***&x=1');
	});

	test('removes Basic authorisation headers', () => {
		expect(scrubSecrets('Authorization: Basic ZGVtbzpzZWNyZXQ=', [])).toBe('Authorization: Basic ***');
	});

	test('leaves very short or missing secrets alone rather than shredding the text', () => {
		expect(scrubSecrets('a b c', ['a', undefined, ''])).toBe('a b c');
	});
});

describe('isMepRejectionText', () => {
	test.each([
		['Your username and/or password is incorrect. Check and try again.', true],
		['Your request is invalid, specifically the following parameter is incorrect: msisdn=null', true],
		['You do not have the necessary roles or permissions to perform the action: HTTP Subscription API user', true],
		['Subscription is disabled. Cannot add user to disabled subscription.', true],
		['OK', false],
		['<?xml version="1.0"?><users/>', false],
	])('%p → %p', (text, expected) => expect(isMepRejectionText(text)).toBe(expected));
});
