import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { IDataObject } from 'n8n-workflow';

/** MEP's XML is small and flat; these are the list answers and the element each repeats (SPEC 4.8–4.13). */
const LIST_CHILD: Record<string, string> = {
	users: 'user',
	subscriptions: 'subscription',
	collections: 'collection',
};

// Safe by construction: no number or boolean coercion (an msisdn stays a string), no attributes,
// and documents with a DOCTYPE are refused before parsing, so no entity can expand. Values keep
// their own spaces (no trimming); character references (&#233;) decode. preserveOrder skips
// fast-xml-parser's own object building, the slow half of a 100,000-member answer: toObject
// below builds the objects, leaving out the indentation between elements.
const parser = new XMLParser({
	preserveOrder: true,
	jPath: false,
	ignoreAttributes: true,
	ignoreDeclaration: true,
	ignorePiTags: true,
	parseTagValue: false,
	parseAttributeValue: false,
	processEntities: true,
	htmlEntities: true,
	trimValues: false,
});

/**
 * Answers up to this size get fast-xml-parser's full well-formedness check first. Larger ones
 * (only long member lists) are checked by its parser and for a complete document, the fault a
 * large answer really has (a cut-off transfer): the full check would cost a quarter of their time.
 */
const FULL_CHECK_MAX_CHARS = 1024 * 1024;

/** One node of fast-xml-parser's ordered output: `{ tag: children }` or `{ '#text': value }`. */
type OrderedNode = Record<string, unknown>;

const TEXT = '#text';

function tagOf(node: OrderedNode): string | undefined {
	for (const key in node) return key === TEXT ? undefined : key;
	return undefined;
}

/**
 * An element's value: the text of a leaf (spaces kept), or an object of its child elements
 * (whitespace between them dropped; repeated names as arrays, and `listChild`, the element a list
 * answer repeats, always as an array).
 */
function toObject(children: OrderedNode[], listChild?: string): IDataObject | string {
	let text = '';
	let object: IDataObject | undefined;
	for (const child of children) {
		const value = child[TEXT];
		if (value !== undefined) {
			if (object === undefined) text += value as string;
			continue;
		}
		const tag = tagOf(child) as string;
		object ??= {};
		const grandchildren = child[tag] as OrderedNode[];
		// A leaf holds one text node, or none when empty.
		const element =
			grandchildren.length === 0 ? '' : grandchildren.length === 1 && grandchildren[0][TEXT] !== undefined ? (grandchildren[0][TEXT] as string) : toObject(grandchildren);
		const existing = object[tag];
		if (existing === undefined) object[tag] = tag === listChild ? [element as IDataObject] : element;
		else if (Array.isArray(existing)) (existing as unknown[]).push(element);
		else object[tag] = [existing, element] as IDataObject[];
	}
	return object ?? text;
}

export class MepFormatError extends Error {}

/** Byte-order marks: the character set they say, and their length. */
const BYTE_ORDER_MARKS: Array<{ bytes: number[]; charset: string }> = [
	{ bytes: [0xef, 0xbb, 0xbf], charset: 'utf-8' },
	{ bytes: [0xfe, 0xff], charset: 'utf-16be' },
	{ bytes: [0xff, 0xfe], charset: 'utf-16le' },
];

/**
 * The character set of an answer from its first bytes and Content-Type: a byte-order mark, else
 * its XML declaration, else the Content-Type's charset, else ISO-8859-1, which is what MEP
 * declares (SPEC 2.5). `bomBytes`: the mark's length, which is no part of the text. The one place
 * that decides it, for whole answers (decodeMepBody) and lists read as they arrive (reading.ts).
 */
export function charsetOf(head: Uint8Array, contentType?: string): { charset: string; bomBytes: number } {
	const mark = BYTE_ORDER_MARKS.find(({ bytes }) => bytes.every((byte, i) => head[i] === byte));
	if (mark) return { charset: mark.charset, bomBytes: mark.bytes.length };
	const start = Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, 200)).toString('latin1');
	const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/i.exec(start)?.[1];
	const fromHeader = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];
	return { charset: (declared ?? fromHeader ?? 'iso-8859-1').toLowerCase(), bomBytes: 0 };
}

/** Character sets read byte for byte as Latin-1 (Buffer's 'latin1', not TextDecoder's 'iso-8859-1', which is really windows-1252). */
export const LATIN1_NAMES = ['iso-8859-1', 'iso8859-1', 'latin1', 'l1', 'us-ascii', 'ascii'];

/** Decodes an answer by its character set (charsetOf). */
export function decodeMepBody(body: unknown, contentType?: string): string {
	const bytes = toBuffer(body);
	const { charset, bomBytes } = charsetOf(bytes, contentType);
	return decodeBody(bytes.subarray(bomBytes), charset);
}

/** Bytes in a named character set as text; MepFormatError for a set this node cannot read. */
export function decodeBody(body: unknown, charset: string): string {
	const bytes = toBuffer(body);
	const name = charset.toLowerCase();
	if (LATIN1_NAMES.includes(name)) return bytes.toString('latin1');
	if (name === 'utf-8' || name === 'utf8') return bytes.toString('utf8');
	const decoder = textDecoderFor(name);
	if (!decoder) throw new MepFormatError(`MEP declared a character set this node cannot read: ${name}`);
	return decoder.decode(bytes);
}

/** A TextDecoder for a character set, or undefined when there is none. */
export function textDecoderFor(charset: string): { decode(bytes: Uint8Array, options?: { stream: boolean }): string } | undefined {
	try {
		return new TextDecoder(charset);
	} catch {
		return undefined;
	}
}

function toBuffer(body: unknown): Buffer {
	if (Buffer.isBuffer(body)) return body;
	if (body instanceof ArrayBuffer) return Buffer.from(body);
	if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
	if (body === undefined || body === null) return Buffer.alloc(0);
	if (typeof body === 'string') return Buffer.from(body, 'latin1');
	return Buffer.from(JSON.stringify(body), 'utf8');
}

/** Parses one MEP XML document into `{ rootName, root }`; throws MepFormatError when it is not one. */
export function parseMepXml(text: string): { rootName: string; root: IDataObject | string } {
	if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
		throw new MepFormatError('the answer declares a DOCTYPE or entities, which MEP never sends');
	}
	const fullCheck = text.length <= FULL_CHECK_MAX_CHARS;
	if (fullCheck) {
		const valid = XMLValidator.validate(text);
		if (valid !== true) throw new MepFormatError(`the answer is not well-formed XML (${valid.err.msg})`);
	}
	let document: OrderedNode[] | undefined;
	let problem = '';
	try {
		document = parser.parse(text) as OrderedNode[];
	} catch (error) {
		problem = (error as Error).message;
	}
	if (!document) throw new MepFormatError(`the answer is not well-formed XML (${problem})`);
	const roots = document.filter((node) => tagOf(node) !== undefined);
	if (roots.length !== 1) {
		throw new MepFormatError('the answer does not have exactly one root element');
	}
	const rootName = tagOf(roots[0]) as string;
	// The parser alone accepts a document cut off in the middle: it must end by closing its root.
	if (!fullCheck) {
		const name = rootName.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
		const tail = text.trimEnd().slice(-(rootName.length + 256)).replace(/(\s*<!--[\s\S]*?-->)+$/, '');
		if (!new RegExp(`(?:</${name}\\s*|<${name}(?:\\s[^<>]*)?/)>$`).test(tail)) {
			throw new MepFormatError(`the answer is not well-formed XML (it ends before </${rootName}>: cut off?)`);
		}
	}
	return { rootName, root: toObject(roots[0][rootName] as OrderedNode[], LIST_CHILD[rootName]) };
}

/** The repeated child elements of a list answer, e.g. `users` › `user`; an empty list gives []. */
export function listElements(text: string, rootName: string, childName: string): IDataObject[] {
	const parsed = parseMepXml(text);
	if (parsed.rootName !== rootName) {
		throw new MepFormatError(`expected a <${rootName}> answer, got <${parsed.rootName}>`);
	}
	if (typeof parsed.root === 'string') return []; // <users></users> or <users/>
	const children = parsed.root[childName];
	if (children === undefined) return [];
	// An empty element (<user/>) is an item without fields, not a string.
	return (children as Array<IDataObject | string>).map((child) => withBooleans(typeof child === 'object' ? child : {}));
}

/** `enabled` arrives as the text "true"/"false"; everything else stays text. Changes the element in place. */
export function withBooleans(element: IDataObject): IDataObject {
	if (element !== null && typeof element === 'object' && element.enabled !== undefined) element.enabled = String(element.enabled).trim() === 'true';
	return element;
}

/** An acknowledgement whose layout MEP has not documented: its root's child elements, as text. */
export function acknowledgement(text: string): IDataObject {
	const parsed = parseMepXml(text);
	if (typeof parsed.root === 'string') return { [parsed.rootName]: parsed.root.trim() };
	return withBooleans(parsed.root);
}
