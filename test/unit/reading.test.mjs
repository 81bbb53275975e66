// Reading a list answer as it arrives (shared/reading.ts readListAnswer), fed a stream that counts
// what is pulled from it: what the reader builds, how much of the answer it reads, and where it
// starts. (Through n8n and the emulator: test/subscription/getUsers.test.mjs.)
import { Readable } from 'node:stream';
import { loadSource } from '../helpers/source.mjs';

const { readListAnswer } = loadSource('nodes/OpenMarketMep/shared/reading.ts');

const USERS = { root: 'users', child: 'user', key: 'msisdn' };
const member = (i) => `<user><msisdn>${447000000000 + i}</msisdn><network>ORANGEUK</network><enabled>true</enabled></user>\n`;

/** A member list of `count` as a stream of ~16 KB chunks made as they are pulled; `pulled` counts them. */
function memberList(count, { prefix = Buffer.alloc(0) } = {}) {
	const counter = { pulled: 0, destroyed: false };
	function* chunks() {
		let text = '<?xml version="1.0" encoding="ISO-8859-1"?>\n<users>\n';
		let first = true;
		for (let i = 0; i < count; i++) {
			text += member(i);
			if (text.length >= 16_384) {
				counter.pulled += 1;
				yield first ? Buffer.concat([prefix, Buffer.from(text, 'latin1')]) : Buffer.from(text, 'latin1');
				first = false;
				text = '';
			}
		}
		counter.pulled += 1;
		yield Buffer.from(`${text}</users>\n`, 'latin1');
	}
	const body = Readable.from(chunks(), { objectMode: false });
	body.on('close', () => (counter.destroyed = !body.readableEnded));
	return { response: { statusCode: 200, headers: { 'content-type': 'text/plain' }, body }, counter };
}

const reading = (extra = {}) => ({ deadline: performance.now() + 30_000, timeoutMs: 30_000, stop: { onStop: () => () => undefined, aborted: false, addEventListener() {}, removeEventListener() {} }, abort: new AbortController(), ...extra });

test('with a Limit of 5 in a list of 1,000,000: it builds 5 elements, reads the first piece or so of the answer, and gives up the rest and the connection', async () => {
	const { response, counter } = memberList(1_000_000);
	const read = reading({ limit: 5 });
	const answer = await readListAnswer(response, USERS, read);
	expect(answer.unreadable).toBeUndefined();
	expect(answer.elements.map((element) => element.msisdn)).toEqual(['447000000000', '447000000001', '447000000002', '447000000003', '447000000004']);
	// The whole list is over 6,000 pieces of 16 KB.
	expect(counter.pulled).toBeLessThanOrEqual(3);
	await new Promise((resolve) => setImmediate(resolve));
	expect(counter.destroyed).toBe(true);
	expect(read.abort.signal.aborted).toBe(true); // the request too
});

test('without a Limit: every element, the whole answer read, checked to its end', async () => {
	const { response, counter } = memberList(20_000);
	const answer = await readListAnswer(response, USERS, reading());
	expect(answer.elements).toHaveLength(20_000);
	expect(counter.destroyed).toBe(false);
	expect(counter.pulled).toBeGreaterThan(100);
});

test('a sink that wants no more ends the read the same way', async () => {
	const { response, counter } = memberList(100_000);
	const taken = [];
	const answer = await readListAnswer(response, USERS, reading({ sink: (element) => taken.push(element) < 3 }));
	expect(taken).toHaveLength(3);
	expect(answer.elements).toEqual([]);
	expect(counter.pulled).toBeLessThanOrEqual(3);
});

test('a list starting with a UTF-8 byte-order mark is read as the list it is, in UTF-8', async () => {
	const bom = Buffer.from([0xef, 0xbb, 0xbf]);
	const { response } = memberList(3, { prefix: bom });
	// The declaration says ISO-8859-1; the mark says UTF-8, and wins (as XML 1.0 F.1 has it).
	const answer = await readListAnswer(response, USERS, reading());
	expect(answer.unreadable).toBeUndefined();
	expect(answer.elements.map((element) => element.msisdn)).toEqual(['447000000000', '447000000001', '447000000002']);
	const accented = Readable.from([Buffer.concat([bom, Buffer.from('<users><user><msisdn>447700900123</msisdn><network>Café ☺</network></user></users>', 'utf8')])]);
	const utf8 = await readListAnswer({ statusCode: 200, headers: {}, body: accented }, USERS, reading());
	expect(utf8.elements).toEqual([{ msisdn: '447700900123', network: 'Café ☺' }]);
});
