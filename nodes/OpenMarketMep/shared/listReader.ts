import { COMMON_HTML, CURRENCY } from '@nodable/entities';
import type { IDataObject } from 'n8n-workflow';
import { SaxesParser } from 'saxes';
import type { SaxesTag } from 'saxes';
import { MepFormatError, withBooleans } from './xml';

/** What a list element becomes: its child elements by name (repeated ones as arrays), leaves as their text. */
type Value = IDataObject | string;

/** An element being read inside a list element: its children so far, or its text while it has none. */
interface Open {
	name: string;
	children?: IDataObject;
	text: string;
}

/**
 * A list answer (`<users><user>…</user>…</users>`, SPEC 4.8) read as its text arrives, with saxes
 * (a streaming XML reader that checks well-formedness). Each list element is handed to `onElement`
 * as the whole-answer reading (xml.ts listElements) gives it, and nothing else is kept: a list of a
 * million members never exists as one document or one string.
 *
 * Errors are MepFormatErrors, as xml.ts's, raised by `write` for a DOCTYPE or another root and by
 * `end` for the rest (a document cut off, not well-formed, empty), so that a reader that goes on
 * after a fault can still say what explains it best (a missing `</user>`, below).
 */
export class ListReader {
	private readonly parser = new SaxesParser<{ position: false }>({ position: false });

	/** The list element and what is open inside it; empty between list elements. */
	private readonly open: Open[] = [];

	private depth = 0;

	/** Off once `onElement` wants no more: anything still written is checked, but builds nothing. */
	private building = true;

	private rootClosed = false;

	private firstError?: string;

	/** The list elements read, and the `key` elements found anywhere (each must be a list element's own). */
	private elements = 0;

	private keys = 0;

	/**
	 * `key`: the element each list element has once, at its top (a member's `msisdn`). More of them
	 * than list elements means a `</user>` is missing and members hide inside another: the list
	 * cannot be taken as it is.
	 */
	constructor(
		private readonly rootName: string,
		private readonly childName: string,
		private readonly onElement: (element: IDataObject) => boolean | void,
		private readonly key?: string,
	) {
		// As fast-xml-parser's htmlEntities option: the common named entities of HTML decode too.
		Object.assign(this.parser.ENTITIES, COMMON_HTML, CURRENCY);
		this.parser.on('doctype', () => {
			throw new MepFormatError('the answer declares a DOCTYPE or entities, which MEP never sends');
		});
		this.parser.on('opentag', (tag) => this.opened(tag));
		const onText = (text: string) => {
			const top = this.open[this.open.length - 1];
			if (top !== undefined && this.open.length > 1 && top.children === undefined) top.text += text;
		};
		this.parser.on('text', onText);
		this.parser.on('cdata', onText); // as fast-xml-parser: a CDATA section is the element's text
		this.parser.on('closetag', (tag) => this.closed(tag));
		this.parser.on('error', (error) => {
			this.firstError ??= error.message;
		});
	}

	/** Whether `onElement` still wants elements: once not, the rest of the answer need not be read. */
	get wanted(): boolean {
		return this.building;
	}

	/**
	 * Takes over from the byte reader (memberBytes.ts), which read `members` list elements whole
	 * (each with its one `key`) and hands over the text that brings saxes to where it stopped.
	 */
	resume(members: number): void {
		this.elements = members;
		this.keys = this.key === undefined ? 0 : members;
	}

	/** The next piece of the answer's text. */
	write(text: string): void {
		this.parser.write(text);
	}

	/** The answer ended: throws MepFormatError unless it was one whole list. */
	end(): void {
		const cutOff = !this.rootClosed && this.depth > 0;
		this.parser.close();
		// After the root closed, more `key` elements than list elements is what a missing </user> does.
		if (this.key !== undefined && this.rootClosed && this.keys !== this.elements) {
			throw new MepFormatError(`the answer holds ${this.keys} <${this.key}> elements, but the member list read from it has ${this.elements}`);
		}
		if (cutOff) throw new MepFormatError(`the answer is not well-formed XML (it ends before </${this.rootName}>: cut off?)`);
		if (this.firstError !== undefined) throw new MepFormatError(`the answer is not well-formed XML (${this.firstError.replace(/\.$/, '')})`);
	}

	private opened(tag: SaxesTag): void {
		this.depth += 1;
		if (this.depth === 1) {
			if (tag.name !== this.rootName) throw new MepFormatError(`expected a <${this.rootName}> answer, got <${tag.name}>`);
			return;
		}
		if (this.depth === 2) {
			if (tag.name === this.childName && this.building) this.open.push({ name: tag.name, text: '' });
			return;
		}
		if (this.open.length === 0) return; // inside another child of the root: not the list's
		const parent = this.open[this.open.length - 1];
		parent.children ??= {};
		this.open.push({ name: tag.name, text: '' });
	}

	private closed(tag: SaxesTag): void {
		this.depth -= 1;
		if (tag.name === this.key) this.keys += 1;
		if (this.depth === 0) {
			this.rootClosed = true;
			return;
		}
		if (this.depth === 1 && tag.name === this.childName) this.elements += 1;
		const element = this.open.pop();
		if (element === undefined) return;
		if (this.open.length === 0) {
			// The list element itself: always an object (`<user/>` is a member without fields).
			if (this.firstError === undefined && this.onElement(withBooleans(element.children ?? {})) === false) this.building = false;
			return;
		}
		const value: Value = element.children ?? element.text;
		const parent = this.open[this.open.length - 1].children as IDataObject;
		const existing = parent[element.name];
		if (existing === undefined) parent[element.name] = value;
		else if (Array.isArray(existing)) (existing as Value[]).push(value);
		else parent[element.name] = [existing, value] as IDataObject[];
	}
}
