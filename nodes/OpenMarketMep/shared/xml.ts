import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { IDataObject } from 'n8n-workflow';

/** MEP's XML is small and flat; these are the list elements its answers repeat (SPEC 4.8–4.13). */
const LIST_PATHS = new Set([
	'users.user',
	'subscriptions.subscription',
	'collections.collection',
]);

// Safe by construction: no number or boolean coercion (an msisdn stays a string), no attributes,
// and documents with a DOCTYPE are refused before parsing, so no entity can expand. Values keep
// their spaces; the indentation between elements arrives as "#text" and is dropped below.
const parser = new XMLParser({
	ignoreAttributes: true,
	ignoreDeclaration: true,
	ignorePiTags: true,
	parseTagValue: false,
	parseAttributeValue: false,
	processEntities: true,
	htmlEntities: true,
	trimValues: false,
	isArray: (_name, jpath) => LIST_PATHS.has(String(jpath)),
});

export class MepFormatError extends Error {}

/**
 * Decodes an answer by its XML declaration, else the Content-Type charset, else ISO-8859-1, which
 * is what MEP declares (SPEC 2.5). Latin-1 is decoded with Buffer's 'latin1', not TextDecoder,
 * whose 'iso-8859-1' is really windows-1252.
 */
export function decodeMepBody(body: unknown, contentType?: string): string {
	const bytes = toBuffer(body);
	const head = bytes.subarray(0, 200).toString('latin1');
	const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/i.exec(head)?.[1];
	const fromHeader = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];
	return decodeBody(bytes, declared ?? fromHeader ?? 'iso-8859-1');
}

/** Bytes in a named character set as text; MepFormatError for a set this node cannot read. */
export function decodeBody(body: unknown, charset: string): string {
	const bytes = toBuffer(body);
	const name = charset.toLowerCase();
	if (['iso-8859-1', 'iso8859-1', 'latin1', 'l1', 'us-ascii', 'ascii'].includes(name)) return bytes.toString('latin1');
	if (name === 'utf-8' || name === 'utf8') return bytes.toString('utf8');
	const decoder = textDecoderFor(name);
	if (!decoder) throw new MepFormatError(`MEP declared a character set this node cannot read: ${name}`);
	return decoder.decode(bytes);
}

function textDecoderFor(charset: string): { decode(bytes: Uint8Array): string } | undefined {
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

export function looksLikeXml(text: string): boolean {
	return /^\s*<\?xml/.test(text) || /^\s*<[A-Za-z]/.test(text);
}

/** Parses one MEP XML document into `{ rootName, root }`; throws MepFormatError when it is not one. */
export function parseMepXml(text: string): { rootName: string; root: IDataObject | string } {
	if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
		throw new MepFormatError('the answer declares a DOCTYPE or entities, which MEP never sends');
	}
	const valid = XMLValidator.validate(text);
	if (valid !== true) {
		throw new MepFormatError(`the answer is not well-formed XML (${valid.err.msg})`);
	}
	const document = parser.parse(text) as IDataObject;
	const names = Object.keys(document);
	if (names.length !== 1) {
		throw new MepFormatError('the answer does not have exactly one root element');
	}
	const root = document[names[0]];
	return { rootName: names[0], root: (typeof root === 'object' ? root : String(root ?? '')) as IDataObject | string };
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
	return (children as IDataObject[]).map(withBooleans);
}

/** `enabled` arrives as the text "true"/"false"; everything else stays text. */
function withBooleans(element: IDataObject): IDataObject {
	const result: IDataObject = {};
	for (const [key, value] of Object.entries(element ?? {})) {
		if (key === '#text') continue;
		result[key] = key === 'enabled' ? String(value).trim() === 'true' : value;
	}
	return result;
}

/** An acknowledgement whose layout MEP has not documented: its root's child elements, as text. */
export function acknowledgement(text: string): IDataObject {
	const parsed = parseMepXml(text);
	if (typeof parsed.root === 'string') return { [parsed.rootName]: parsed.root.trim() };
	return withBooleans(parsed.root);
}
