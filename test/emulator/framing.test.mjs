// Success shapes against the documented fixtures: declaration, element structure, framing, bytes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startEmulator } from '../../emulator/index.mjs';
import { root } from '../helpers/paths.mjs';
import { DEMO, mep, rawRequest, request, skeleton } from './client.mjs';

const fixture = (name) => readFileSync(path.join(root, '../shared/mep-api/fixtures', name));
let emulator;
beforeAll(async () => (emulator = await startEmulator()));
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

function expectXmlFraming(response) {
	expect(response.status).toBe(200);
	expect(response.headers['content-type']).toBe('text/plain');
	expect(response.headers.server).toBe('Apache-Coyote/1.1');
	expect(response.headers['transfer-encoding']).toBe('chunked');
	expect(response.headers['content-length']).toBeUndefined();
	expect(response.text.startsWith('<?xml version="1.0" encoding="ISO-8859-1"?>\n')).toBe(true);
}

/** Same declaration and the same skeleton as the fixture's first element (fixtures hold 1–2). */
function expectSameShape(response, fixtureName, elementLines) {
	const expected = skeleton(fixture(fixtureName).toString('latin1'));
	const actual = skeleton(response.text);
	expect(actual[0]).toBe(expected[0]);
	expect(actual.slice(1, 2 + elementLines)).toEqual(expected.slice(1, 2 + elementLines));
	expect(actual.at(-1)).toBe(expected.at(-1));
}

test('adduser answers the documented XML', async () => {
	const response = await mep(emulator, '/subscriptionapi/adduser', { subscription: '7C1E4A9B2D', msisdn: '447700900765', network: 'ORANGEUK' });
	expectXmlFraming(response);
	expectSameShape(response, 'subscription-adduser.xml', 5);
	expect(response.text).toContain('<msisdn>447700900765</msisdn>');
	expect(response.text).toContain('<enabled>true</enabled>');
});

test('removeuser of a member answers enabled=false; of a non-member exactly the documented bytes', async () => {
	const removed = await mep(emulator, '/subscriptionapi/removeuser', { subscription: '7C1E4A9B2D', msisdn: '12515550177' });
	expectXmlFraming(removed);
	expectSameShape(removed, 'subscription-removeuser.xml', 5);
	expect(removed.text).toContain('<enabled>false</enabled>');
	const again = await mep(emulator, '/subscriptionapi/removeuser', { subscription: '7C1E4A9B2D', msisdn: '12515550177' });
	expect(again.status).toBe(200);
	expect(again.bytes.equals(fixture('subscription-removeuser-not-subscribed.xml'))).toBe(true);
});

test('viewsubscriptionusers, viewusersubscriptions, getsubscriptionsincollection, getsubscriptioncollections', async () => {
	const users = await mep(emulator, '/subscriptionapi/viewsubscriptionusers', { subscription: '7C1E4A9B2D' });
	expectXmlFraming(users);
	expectSameShape(users, 'subscription-viewsubscriptionusers.xml', 6);

	const forUser = await mep(emulator, '/subscriptionapi/viewusersubscriptions', { msisdn: '447700900412', all: 'true' });
	expectXmlFraming(forUser);
	expectSameShape(forUser, 'subscription-viewusersubscriptions.xml', 7);

	const inCollection = await mep(emulator, '/subscriptionapi/getsubscriptionsincollection', { collection: '9B8A7C6D5E4F' });
	expectXmlFraming(inCollection);
	expectSameShape(inCollection, 'subscription-getsubscriptionsincollection.xml', 7);

	const collections = await mep(emulator, '/subscriptionapi/getsubscriptioncollections');
	expectXmlFraming(collections);
	expectSameShape(collections, 'subscription-getsubscriptioncollections.xml', 6);
	expect(collections.text).toContain('<description/>'); // "Events" has no description
});

test('createsubscription answers one subscription shaped like the fixture', async () => {
	const response = await mep(emulator, '/subscriptionapi/createsubscription', { collection: '9B8A7C6D5E4F', name: 'Product Alerts', description: 'People who asked' });
	expectXmlFraming(response);
	expectSameShape(response, 'subscription-createsubscription.xml', 7);
	expect(response.text).toMatch(/<id>[0-9A-F]{12}<\/id>/);
});

test('plain-text successes: OK with Content-Length 2, and the 204 + "Variable did not exist" delete', async () => {
	const set = await mep(emulator, '/variableapi/set', { scope: 'service', id: 'C0FFEE123456', key: 'rewardToday', value: 'x' });
	expect(set.status).toBe(200);
	expect(set.headers['content-type']).toBe('text/plain');
	expect(set.headers['content-length']).toBe('2');
	expect(set.bytes.equals(fixture('variable-set.txt'))).toBe(true);

	const deleted = await mep(emulator, '/variableapi/delete', { scope: 'service', id: 'C0FFEE123456', key: 'rewardToday' });
	expect(deleted.status).toBe(200);
	expect(deleted.bytes.equals(fixture('variable-delete.txt'))).toBe(true);

	const disabled = await mep(emulator, '/subscriptionapi/disablesubscription', { subscription: 'B2C3D4E5F6A1' });
	expect(disabled.bytes.equals(fixture('subscription-disablesubscription.txt'))).toBe(true);
});

test('the missing-variable 204: documented status line, headers and body, all on the wire', async () => {
	const query = new URLSearchParams({ ...DEMO, scope: 'service', id: 'C0FFEE123456', key: 'missing' });
	const wire = (await rawRequest(emulator.port, `GET /variableapi/delete?${query} HTTP/1.1\r\nHost: x\r\n\r\n`)).toString('latin1');
	const [head, body] = wire.split('\r\n\r\n');
	expect(head).toMatch(/^HTTP\/1\.1 204 No Content OK\r\n/);
	expect(head).toContain('\r\nContent-Type: text/plain\r\n');
	expect(head).toContain('\r\nContent-Length: 22\r\n');
	expect(head).toContain('\r\nServer: Apache-Coyote/1.1\r\n');
	expect(head).toContain('\r\nConnection: close');
	expect(body).toBe(fixture('variable-delete-not-found.txt').toString('latin1'));
	expect(emulator.requests().at(-1)).toMatchObject({ path: '/variableapi/delete', status: 204 });
});

test('Node clients read that 204 without a parse error (they close before the body comes)', async () => {
	const query = new URLSearchParams({ ...DEMO, scope: 'service', id: 'C0FFEE123456', key: 'missing' });
	const url = `${emulator.baseUrl}/variableapi/delete?${query}`;
	const viaHttp = await request(url);
	expect(viaHttp.status).toBe(204);
	expect(viaHttp.statusMessage).toBe('No Content OK');
	expect(viaHttp.headers['content-length']).toBe('22');
	const viaFetch = await fetch(url);
	expect(viaFetch.status).toBe(204);
	expect(await viaFetch.text()).toBe('');
});

test('send204Body: false leaves the documented body out', async () => {
	const bare = await startEmulator({ send204Body: false });
	try {
		const query = new URLSearchParams({ ...DEMO, scope: 'service', id: 'C0FFEE123456', key: 'missing' });
		const wire = (await rawRequest(bare.port, `GET /variableapi/delete?${query} HTTP/1.1\r\nHost: x\r\n\r\n`)).toString('latin1');
		expect(wire).toMatch(/^HTTP\/1\.1 204 No Content OK\r\n/);
		expect(wire).toContain('Content-Length: 22\r\n');
		expect(wire.endsWith('\r\n\r\n')).toBe(true);
	} finally {
		await bare.close();
	}
});

test('non-ASCII data is served as ISO-8859-1 bytes (é is 0xE9), XML-escaped', async () => {
	const response = await mep(emulator, '/subscriptionapi/viewusersubscriptions', { msisdn: '447700900412', all: 'true' });
	const description = Buffer.from('the café', 'latin1');
	expect(response.bytes.includes(description)).toBe(true);
	expect(response.bytes.includes(Buffer.from('café', 'utf8'))).toBe(false);
	expect(response.text).toContain('Zürich &amp; Málaga');
});

test('characters outside Latin-1 are sent as "?" like a Java ISO-8859-1 encoder', async () => {
	await mep(emulator, '/subscriptionapi/createsubscription', { collection: '9B8A7C6D5E4F', name: 'Emoji ☺ list' });
	const response = await mep(emulator, '/subscriptionapi/getsubscriptionsincollection', { collection: '9B8A7C6D5E4F' });
	expect(response.text).toContain('<name>Emoji ? list</name>');
});

test('empty lists keep the root and the ISO-8859-1 declaration (assumption)', async () => {
	const response = await mep(emulator, '/subscriptionapi/viewsubscriptionusers', { subscription: 'B2C3D4E5F6A1' });
	expect(response.text).toBe('<?xml version="1.0" encoding="ISO-8859-1"?>\n<users>\n</users>\n');
	const none = await mep(emulator, '/subscriptionapi/viewusersubscriptions', { msisdn: '449999999999' });
	expect(none.text).toBe('<?xml version="1.0" encoding="ISO-8859-1"?>\n<subscriptions>\n</subscriptions>\n');
});
