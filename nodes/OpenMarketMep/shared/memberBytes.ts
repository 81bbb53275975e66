import type { IDataObject } from 'n8n-workflow';
import { withBooleans } from './xml';

/**
 * Where a member list's members go when they are read as bytes: `numbers` takes a member whose
 * `<msisdn>` is an international number (digits, no leading 0, at most 15) as that number alone,
 * and answers false when it wants the member's whole element too; that member, and every member
 * whose number is in another form, then comes to `element` as the saxes reading builds it (and
 * only there: it is not counted twice).
 */
export interface MemberSink {
	numbers(value: number): boolean;
	element(element: IDataObject): boolean | void;
}

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const SLASH = 47;
const DIGIT_0 = 48;
const DIGIT_9 = 57;
const LESS = 60;
const GREATER = 62;

/** A member with more children than this is not what MEP sends: the saxes reading takes over. */
const MAX_CHILDREN = 8;
/** A member split between two pieces is read from its start and this many bytes of the next piece (a member is about 170; with the carry under 4 KB, Buffer.concat takes it from its pool). */
const JOIN_BYTES = 1024;
/** Bytes held between two pieces (a member split between them); more is not a member list as MEP writes it. */
const MAX_CARRY = 64 * 1024;

/** The XML declarations MEP writes (saxes reads any other; so does this reader, by handing over). */
const DECLARATION = /^<\?xml version="1\.0"(?: encoding="[A-Za-z][A-Za-z0-9._-]*")?(?: standalone="(?:yes|no)")?\?>/;

const bytesOf = (text: string) => Buffer.from(text, 'latin1');

/**
 * A member list (`<users><user><msisdn>…</msisdn>…</user>…</users>`, SPEC 4.8) read straight from
 * its ISO-8859-1 bytes, as MEP writes it: no string per element and no object per member, each
 * `<msisdn>`'s digits made into a number where they lie. It reads only the plain form: the
 * declaration, `<users>`, then `<user>` elements of leaf children (names of letters, text without
 * markup, entities, CDATA or carriage returns), white space between them, `</users>`. At anything
 * else (a comment, an entity, an attribute, a nested element, a document that ends early or is not
 * well-formed) it hands over to the saxes reading (listReader.ts) at the last member it read whole:
 * `handOver` is then the text that reading must read first (what puts saxes where this reader was,
 * and the bytes not read yet), and from then on the answer goes there. So every list reads, and
 * fails, exactly as with saxes alone; only the plain form is faster.
 */
export class MemberBytes {
	/** Whether this reader still reads the answer (false once it handed over). */
	reading = true;

	/** Off once `element` wants no more. */
	wanted = true;

	/** Members read whole, and handed to the sink. */
	members = 0;

	/** After a hand-over: what the saxes reading must read first. */
	handOver = '';

	private phase: 'prolog' | 'list' | 'after' = 'prolog';

	/** Bytes of the last piece not read yet (a member split between two pieces). */
	private carry?: Buffer;

	/** A member's children: where each name and text is in the bytes being read. */
	private readonly children = new Int32Array(MAX_CHILDREN * 4);

	private readonly userTag: Buffer;

	private readonly usersTag: Buffer;

	private readonly msisdnName = bytesOf('msisdn');

	constructor(
		private readonly sink: MemberSink,
		private readonly rootName = 'users',
		childName = 'user',
	) {
		this.userTag = bytesOf(`${childName}>`);
		this.usersTag = bytesOf(`${rootName}>`);
	}

	/** The next piece of the answer (its bytes after any byte-order mark). Check `reading` after. */
	write(piece: Buffer): void {
		if (!this.reading) throw new Error('MemberBytes: written after it handed over');
		const carry = this.carry;
		this.carry = undefined;
		let from = 0;
		if (carry !== undefined) {
			// The member split between the pieces, read from its start and the piece's first bytes (not
			// a copy of the whole piece: that was most of the garbage of a million-member read).
			const head = this.phase === 'prolog' ? piece.length : Math.min(piece.length, JOIN_BYTES);
			const joined = Buffer.concat([carry, piece.subarray(0, head)]);
			const at = this.read(joined, 0);
			if (!this.reading || !this.wanted) return;
			if (at < carry.length || head === piece.length) return this.keep(joined, at);
			from = at - carry.length;
		}
		const at = this.read(piece, from);
		if (this.reading && this.wanted) this.keep(piece, at);
	}

	/** Keeps what is not read yet of `bytes` from `at`, for the next piece. */
	private keep(bytes: Buffer, at: number): void {
		if (at >= bytes.length) return;
		if (bytes.length - at > MAX_CARRY) return this.giveOver(bytes, at);
		this.carry = Buffer.from(bytes.subarray(at)); // a copy: the piece's buffer may be reused
	}

	/** The answer ended: false when it was not a whole list as MEP writes it (then `handOver` is for saxes, which finds what is wrong). */
	end(): boolean {
		if (!this.reading) return false;
		if (this.phase === 'after' && this.carry === undefined) return true;
		this.giveOver(this.carry ?? Buffer.alloc(0), 0);
		return false;
	}

	/** Hands over at `at` (a place between members): saxes reads what brings it there, then the rest. */
	private giveOver(bytes: Buffer, at: number): void {
		const prefix = this.phase === 'prolog' ? '' : this.phase === 'list' ? `<${this.rootName}>` : `<${this.rootName}></${this.rootName}>`;
		this.handOver = prefix + bytes.toString('latin1', at);
		this.reading = false;
		this.carry = undefined;
	}

	/** Reads members from `bytes`; answers where the unread rest starts (a place between members). */
	private read(bytes: Buffer, from: number): number {
		let at = from;
		if (this.phase === 'prolog') {
			const start = bytes.toString('latin1', 0, Math.min(bytes.length, 256));
			const declaration = DECLARATION.exec(start);
			if (declaration === null && start.startsWith('<?xml') && bytes.length < 256 && !start.includes('>')) return 0; // the declaration is not all here yet
			let p = declaration === null ? 0 : declaration[0].length;
			p = skipSpace(bytes, p);
			if (p + 1 + this.usersTag.length > bytes.length) {
				if (bytes.length < 256) return 0; // not all here yet
				this.giveOver(bytes, 0);
				return 0;
			}
			if (bytes[p] !== LESS || !startsWith(bytes, p + 1, this.usersTag)) {
				this.giveOver(bytes, 0);
				return 0;
			}
			at = p + 1 + this.usersTag.length;
			this.phase = 'list';
		}
		if (this.phase === 'after') {
			const p = skipSpace(bytes, at);
			if (p < bytes.length) this.giveOver(bytes, at);
			return bytes.length;
		}
		while (this.wanted) {
			const next = this.member(bytes, at);
			if (next === NEED_MORE) return at;
			if (next === UNEXPECTED) {
				this.giveOver(bytes, at);
				return at;
			}
			if (next < 0) {
				// `</users>`: only white space may follow.
				this.phase = 'after';
				const end = -next - 1;
				if (skipSpace(bytes, end) < bytes.length) this.giveOver(bytes, end);
				return bytes.length;
			}
			at = next;
		}
		return at;
	}

	/**
	 * One member from `at` (white space, `<user>`, its children, `</user>`), handed to the sink:
	 * answers where it ends, NEED_MORE when the bytes end first, UNEXPECTED for anything else, or
	 * -(end + 1) for the list's `</users>`.
	 */
	private member(bytes: Buffer, at: number): number {
		const length = bytes.length;
		let p = skipSpace(bytes, at);
		if (p >= length) return NEED_MORE;
		if (bytes[p] !== LESS) return UNEXPECTED;
		if (p + 1 >= length) return NEED_MORE;
		if (bytes[p + 1] === SLASH) {
			if (p + 2 + this.usersTag.length > length) return NEED_MORE;
			return startsWith(bytes, p + 2, this.usersTag) ? -(p + 2 + this.usersTag.length) - 1 : UNEXPECTED;
		}
		if (p + 1 + this.userTag.length > length) return NEED_MORE;
		if (!startsWith(bytes, p + 1, this.userTag)) return UNEXPECTED;
		p += 1 + this.userTag.length;
		const children = this.children;
		let count = 0;
		for (;;) {
			p = skipSpace(bytes, p);
			if (p + 1 >= length) return NEED_MORE;
			if (bytes[p] !== LESS) return UNEXPECTED; // text beside the children
			if (bytes[p + 1] === SLASH) {
				// `</user>`
				if (p + 2 + this.userTag.length > length) return NEED_MORE;
				if (!startsWith(bytes, p + 2, this.userTag)) return UNEXPECTED;
				p += 2 + this.userTag.length;
				break;
			}
			// `<name>text</name>`
			const nameStart = p + 1;
			let q = nameStart;
			while (q < length && (CLASSES[bytes[q]] & LETTER) !== 0) q++;
			if (q >= length) return NEED_MORE;
			if (bytes[q] !== GREATER || q === nameStart) return UNEXPECTED;
			const nameLength = q - nameStart;
			const textStart = q + 1;
			q = textStart;
			while (q < length && (CLASSES[bytes[q]] & TEXT) !== 0) q++;
			if (q >= length) return NEED_MORE;
			if (bytes[q] !== LESS) return UNEXPECTED;
			const textEnd = q;
			if (q + 3 + nameLength > length) return NEED_MORE;
			if (bytes[q + 1] !== SLASH || bytes[q + 2 + nameLength] !== GREATER || !sameBytes(bytes, nameStart, bytes, q + 2, nameLength)) return UNEXPECTED;
			if (count === MAX_CHILDREN) return UNEXPECTED;
			// A name given twice would be an array in the saxes reading: not the plain form.
			for (let c = 0; c < count; c++) {
				const o = c * 4;
				if (children[o + 1] === nameLength && sameBytes(bytes, children[o], bytes, nameStart, nameLength)) return UNEXPECTED;
			}
			const o = count * 4;
			children[o] = nameStart;
			children[o + 1] = nameLength;
			children[o + 2] = textStart;
			children[o + 3] = textEnd;
			count += 1;
			p = q + 3 + nameLength;
		}
		// Exactly one `<msisdn>`: anything else is for the saxes reading to judge.
		let msisdn = -1;
		for (let c = 0; c < count; c++) {
			const o = c * 4;
			if (children[o + 1] === this.msisdnName.length && sameBytes(bytes, children[o], this.msisdnName, 0, this.msisdnName.length)) msisdn = o;
		}
		if (msisdn < 0) return UNEXPECTED;
		const value = international(bytes, children[msisdn + 2], children[msisdn + 3]);
		this.members += 1;
		if (value >= 0 && this.sink.numbers(value)) return p;
		const element: IDataObject = {};
		for (let c = 0; c < count; c++) {
			const o = c * 4;
			element[bytes.toString('latin1', children[o], children[o] + children[o + 1])] = bytes.toString('latin1', children[o + 2], children[o + 3]);
		}
		if (this.sink.element(withBooleans(element)) === false) this.wanted = false;
		return p;
	}
}

const NEED_MORE = Number.MAX_SAFE_INTEGER;
const UNEXPECTED = Number.MAX_SAFE_INTEGER - 1;

/** What a byte can be: white space between elements, a letter of a name, a byte of text. */
const SPACE_CLASS = 1;
const LETTER = 2;
const TEXT = 4;
const CLASSES = new Uint8Array(256);
for (let byte = 0; byte < 256; byte++) {
	const letter = (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122);
	// Text the saxes reading gives as it is: printable ASCII but `<`, `&`, `>` and `]` (markup, an
	// entity, a CDATA end), tab and line feed (a carriage return it turns into a line feed), and
	// Latin-1's letters and signs (0xA0–0xFF).
	const text = (byte >= SPACE && byte <= 126 && byte !== LESS && byte !== 38 && byte !== GREATER && byte !== 93) || byte === LF || byte === TAB || byte >= 0xa0;
	CLASSES[byte] = (byte === SPACE || byte === LF || byte === TAB || byte === CR ? SPACE_CLASS : 0) | (letter ? LETTER : 0) | (text ? TEXT : 0);
}

/** White space between elements (a carriage return there is ignored by both readings). */
function skipSpace(bytes: Buffer, at: number): number {
	let p = at;
	while (p < bytes.length && (CLASSES[bytes[p]] & SPACE_CLASS) !== 0) p++;
	return p;
}

/** Whether `bytes` holds `expected` from `at`. */
const startsWith = (bytes: Buffer, at: number, expected: Buffer) => sameBytes(bytes, at, expected, 0, expected.length);

/** Whether `length` bytes of `a` from `atA` are those of `b` from `atB`. */
function sameBytes(a: Buffer, atA: number, b: Buffer, atB: number, length: number): boolean {
	for (let i = 0; i < length; i++) if (a[atA + i] !== b[atB + i]) return false;
	return true;
}

/** The number `<msisdn>` holds when it is international (1–15 digits, no leading 0, nothing else), else -1. */
function international(bytes: Buffer, start: number, end: number): number {
	const digits = end - start;
	if (digits < 1 || digits > 15 || bytes[start] === DIGIT_0) return -1;
	let value = 0;
	for (let p = start; p < end; p++) {
		const byte = bytes[p];
		if (byte < DIGIT_0 || byte > DIGIT_9) return -1;
		value = value * 10 + (byte - DIGIT_0);
	}
	return value;
}
