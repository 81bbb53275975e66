// The trigger's member list read as bytes (shared/memberBytes.ts), through n8n-core's
// PollTriggerExecutor and the built dist/, against a server on 127.0.0.1 that answers
// viewsubscriptionusers with the list each test writes, in the pieces it chooses: the same members
// in any form MEP could write them are the same members (no event, the same stored state), and
// what joins in an odd form is reported as saxes reads it.
import http from 'node:http';
import { DEMO } from '../helpers/emulator.mjs';
import { activeTrigger } from '../helpers/n8n.mjs';

const SUBSCRIPTION = '7C1E4A9B2D';
const DECLARATION = '<?xml version="1.0" encoding="ISO-8859-1"?>\n';
const user = (msisdn, network = 'ORANGEUK', startDate = '2025-06-15 12:00:00') =>
	`   <user>\n      <msisdn>${msisdn}</msisdn>\n      <network>${network}</network>\n      <enabled>true</enabled>\n      <startDate>${startDate}</startDate>\n   </user>\n`;
const list = (users) => `${DECLARATION}<users>\n${users.join('')}</users>\n`;
const MEMBERS = Array.from({ length: 300 }, (_, i) => String(447700900000 + i * 7));

/** What the server answers next: the text, and the size of the pieces it is written in (0: at once). */
let answer = { text: list(MEMBERS.map((m) => user(m))), pieceBytes: 0 };
let server;
let baseUrl;

beforeAll(async () => {
	server = http.createServer(async (req, res) => {
		res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
		const bytes = Buffer.from(answer.text, 'latin1');
		const size = answer.pieceBytes || bytes.length || 1;
		for (let at = 0; at < bytes.length; at += size) {
			res.write(bytes.subarray(at, at + size));
			if (answer.pieceBytes) await new Promise((resolve) => setImmediate(resolve));
		}
		res.end();
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${server.address().port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

/** An error message that starts with `text` (a fix and the retry note follow). */
const startingWith = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);

const trigger = () => activeTrigger({ parameters: { event: 'memberJoinedOrLeft', subscriptions: [SUBSCRIPTION] }, credentials: { ...DEMO, baseUrl } });

/** The same members, written in forms MEP's plain one is not (each read by saxes from where it starts). */
const sameMembersOtherwise = {
	'a comment between members': list(MEMBERS.map((m, i) => (i === 150 ? `<!-- page 2 -->\n${user(m)}` : user(m)))),
	'an entity in a network': list(MEMBERS.map((m, i) => user(m, i === 10 ? 'AT&amp;T' : 'ORANGEUK'))),
	'CDATA as a number': list(MEMBERS.map((m, i) => user(i === 299 ? `<![CDATA[${m}]]>` : m))),
	'a character reference in a number': list(MEMBERS.map((m, i) => user(i === 0 ? `&#52;${m.slice(1)}` : m))),
	'carriage returns': list(MEMBERS.map((m) => user(m))).replace(/\n/g, '\r\n'),
	'an attribute on a member': list(MEMBERS.map((m, i) => (i === 5 ? user(m).replace('<user>', '<user id="5">') : user(m)))),
	'a number with spaces around it': list(MEMBERS.map((m, i) => user(i === 7 ? ` ${m}\n` : m))),
	'no declaration, in pieces of one byte': list(MEMBERS.map((m) => user(m))).slice(DECLARATION.length),
};

test('the same members in other forms, and in pieces of 1 and 7 bytes: no event, the same stored state', async () => {
	answer = { text: list(MEMBERS.map((m) => user(m))), pieceBytes: 0 };
	const mepTrigger = trigger();
	const first = await mepTrigger.poll({ activation: true });
	expect(first.error).toBeUndefined();
	const stored = structuredClone(mepTrigger.staticData());
	expect(stored.subscriptions[SUBSCRIPTION].count).toBe(300);
	for (const [name, text] of Object.entries(sameMembersOtherwise)) {
		answer = { text, pieceBytes: name.includes('one byte') ? 1 : 0 };
		const { error, emitted } = await mepTrigger.poll();
		expect([name, error?.message, emitted]).toEqual([name, undefined, []]);
		expect(mepTrigger.staticData()).toEqual(stored);
	}
	answer = { text: list(MEMBERS.map((m) => user(m))), pieceBytes: 7 };
	expect((await mepTrigger.poll()).emitted).toEqual([]);
});

test('joins read as bytes and joins read by saxes (after an odd member) carry the same details; leaves too', async () => {
	answer = { text: list(MEMBERS.map((m) => user(m))), pieceBytes: 0 };
	const mepTrigger = trigger();
	await mepTrigger.poll({ activation: true });
	// 447711111111 joins before the odd member (read as bytes), 447722222222 after it (read by saxes).
	const now = [user('447711111111', 'T\u00c9L\u00c9', '2026-01-01 00:00:00'), ...MEMBERS.slice(1).map((m, i) => user(m, i === 100 ? 'AT&amp;T' : 'ORANGEUK')), user('447722222222', 'O2&amp;UK', '2026-01-02 00:00:00')];
	answer = { text: list(now), pieceBytes: 0 };
	const { items, error } = await mepTrigger.poll();
	expect(error).toBeUndefined();
	expect(items.map(({ json }) => [json.event, json.msisdn, json.network, json.startDate])).toEqual([
		['joined', '447711111111', 'T\u00c9L\u00c9', '2026-01-01 00:00:00'],
		['joined', '447722222222', 'O2&UK', '2026-01-02 00:00:00'],
		['left', MEMBERS[0], undefined, undefined],
	]);
});

test('a list cut off after members read as bytes, and one with a member hidden inside another: the errors saxes gives, nothing stored', async () => {
	answer = { text: list(MEMBERS.map((m) => user(m))), pieceBytes: 0 };
	const mepTrigger = trigger();
	await mepTrigger.poll({ activation: true });
	const stored = structuredClone(mepTrigger.staticData());
	const whole = list(MEMBERS.map((m) => user(m)));
	answer = { text: whole.slice(0, whole.indexOf('</msisdn>', whole.length / 2)), pieceBytes: 0 };
	const cut = await mepTrigger.poll();
	expect(cut.error?.message).toMatch(startingWith(`Subscription ${SUBSCRIPTION}: MEP's answer could not be read: the answer is not well-formed XML (it ends before </users>: cut off?)`));
	answer = { text: whole.replace(/<\/user>/, ''), pieceBytes: 0 };
	const hidden = await mepTrigger.poll();
	expect(hidden.error?.message).toMatch(startingWith(`Subscription ${SUBSCRIPTION}: MEP's answer could not be read: the answer holds 300 <msisdn> elements, but the member list read from it has 1.`));
	answer = { text: list(MEMBERS.map((m, i) => (i === 200 ? '<user><network>O2UK</network></user>\n' : user(m)))), pieceBytes: 0 };
	const numberless = await mepTrigger.poll();
	expect(numberless.error?.message).toMatch(startingWith(`Subscription ${SUBSCRIPTION}: MEP's answer could not be read: a <user> in the answer has no <msisdn>.`));
	expect(mepTrigger.staticData()).toEqual(stored);
});
