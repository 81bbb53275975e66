// Serialises MEP's XML answers the way the documented examples look: ISO-8859-1 declaration,
// 3-space indentation, `<description/>` for empty text, one element per line, trailing newline.
import { SUCCESS } from './assumptions.mjs';

const { declaration, indent } = SUCCESS.xmlFraming;

export function escapeXml(value) {
	return String(value)
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&apos;');
}

function element(name, value, prefix) {
	const text = value === undefined || value === null ? '' : String(value);
	return text === '' ? `${prefix}<${name}/>` : `${prefix}<${name}>${escapeXml(text)}</${name}>`;
}

/** A list answer: `<root>` holding one `<child>` per object, fields in the object's order. */
export function listDocument(root, child, objects) {
	const lines = [declaration, `<${root}>`];
	for (const object of objects) {
		lines.push(`${indent}<${child}>`);
		for (const [name, value] of Object.entries(object)) lines.push(element(name, value, indent + indent));
		lines.push(`${indent}</${child}>`);
	}
	lines.push(`</${root}>`);
	return `${lines.join('\n')}\n`;
}

/**
 * The same document as listDocument, in pieces of about `pieceChars` characters, generated as
 * they are taken: a list of a million members is never one string.
 */
export function* listDocumentPieces(root, child, objects, pieceChars = 64 * 1024) {
	let piece = `${declaration}\n<${root}>\n`;
	for (const object of objects) {
		piece += `${indent}<${child}>\n`;
		for (const [name, value] of Object.entries(object)) piece += `${element(name, value, indent + indent)}\n`;
		piece += `${indent}</${child}>\n`;
		if (piece.length >= pieceChars) {
			yield piece;
			piece = '';
		}
	}
	yield `${piece}</${root}>\n`;
}

/** A single-element answer such as the provisional broadcast acknowledgement. */
export function recordDocument(root, fields) {
	const lines = [declaration, `<${root}>`];
	for (const [name, value] of Object.entries(fields)) lines.push(element(name, value, indent));
	lines.push(`</${root}>`);
	return `${lines.join('\n')}\n`;
}

/** ISO-8859-1 bytes; characters outside Latin-1 become "?", as Java's encoder does. */
export function latin1Bytes(text) {
	return Buffer.from(text.replace(/[^\u0000-\u00ff]/gu, SUCCESS.latin1Fallback.replacement), 'latin1');
}
