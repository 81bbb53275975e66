import { sleep } from 'n8n-workflow';
import { wakeAt } from './clock';
import type { IDataObject, IN8nHttpFullResponse } from 'n8n-workflow';
import { isMepRejectionText, mepAnswerError } from './errors';
import type { FailureContext } from './errors';
import { invokeAnswerError } from './invoke';
import { ListReader } from './listReader';
import { MemberBytes } from './memberBytes';
import { Slices } from './slices';
import type { MepAnswer, MepApi, MepOperation, MepRequest } from './operation';
import type { ItemTries } from './retries';
import { charsetOf, decodeBody, decodeMepBody, LATIN1_NAMES, MepFormatError, textDecoderFor } from './xml';

/**
 * Reading MEP's answers, whole or as they arrive: what the executor and the trigger both call to
 * turn an HTTP answer into an MEP answer, and an MEP answer into output items or the one error
 * users see.
 */

/** An HTTP answer as the MEP answer it is: cmx2api bodies decoded by their declared character set, Invoke Service's as UTF-8 JSON. */
export function readAnswer(api: MepApi, response: IN8nHttpFullResponse): MepAnswer {
	const headers = (response.headers ?? {}) as IDataObject;
	const contentType = String(headers['content-type'] ?? '');
	const answer: MepAnswer = { statusCode: response.statusCode, headers, contentType, text: '' };
	try {
		answer.text = api === 'invokeService' ? decodeBody(response.body, 'utf-8') : decodeMepBody(response.body, contentType);
	} catch (error) {
		answer.unreadable = error instanceof MepFormatError ? error.message : String(error);
	}
	return answer;
}

/** The output items of one MEP answer, or the error it means. */
export function outputOf(operation: MepOperation, answer: MepAnswer, request: MepRequest, failure: FailureContext, tries?: ItemTries): IDataObject[] {
	const accepted = answer.statusCode >= 200 && answer.statusCode <= 299;
	if (operation.api === 'invokeService') {
		if (!accepted) throw invokeAnswerError(failure, answer);
		return operation.output(answer, request);
	}
	if (answer.unreadable !== undefined) throw mepAnswerError(failure, answer, answer.unreadable);
	if (!accepted || isMepRejectionText(answer.text)) throw mepAnswerError(failure, answer, undefined, tries);
	try {
		return operation.output(answer, request);
	} catch (error) {
		throw error instanceof MepFormatError ? mepAnswerError(failure, answer, error.message) : error;
	}
}

/**
 * Where a streamed list's elements go, one by one; false when no more are wanted (the read then
 * ends, and the connection with it). With `numbers`, a member list in ISO-8859-1 is read from its
 * bytes (memberBytes.ts): a member whose number is an international one goes there as that number
 * alone, and comes here only when `numbers` answers false.
 */
export type ElementSink = ((element: IDataObject) => boolean | void) & { numbers?: (value: number) => boolean };

/** The bytes of an answer's start that decide how it is read, and that errors quote. */
const HEAD_BYTES = 512;
/** What is kept of an answer that is not a list (a rejection text, an error page): they are short. */
const WHOLE_MAX_BYTES = 1024 * 1024;
/** At most this much text is handed to the XML reader at once (a few milliseconds of work). */
const PIECE_CHARS = 16 * 1024;
/** At most this many bytes are handed to the byte reader at once (about a millisecond of work). */
const PIECE_BYTES = 64 * 1024;

/** An answer's body as n8n hands it over with `encoding: 'stream'` (a Node.js Readable; not imported: the community rules allow no 'stream'). */
interface BodyStream {
	[Symbol.asyncIterator](): AsyncIterator<Buffer | string>;
	destroy(error?: Error): void;
	readonly readableEnded?: boolean;
}

/** The run's stop as a read needs it: one listener per run, however many reads (transport.ts RunStop). */
interface ReadStop {
	onStop(onStop: () => void): () => void;
}

/** How a list answer is read: where its elements go, and how the read ends early (the item's time ran out, the run stopped). */
export interface ListReading {
	/** Where the elements go; without one, into the answer's `elements`, at most `limit` built, the read ending there. */
	sink?: ElementSink;
	limit?: number;
	/** On the monotonic clock (clock.ts). */
	deadline: number;
	timeoutMs: number;
	stop: ReadStop;
	/** Aborts the request itself (the connection), as the stream is given up. */
	abort: AbortController;
}

/**
 * A list answer read as it arrives (`encoding: 'stream'`): a 2xx XML body goes piece by piece
 * through a ListReader, never whole in memory, giving n8n its turn between slices of work, and comes
 * back with `elements` (empty when a sink took them); any other answer (a rejection text, an error
 * page, a 429) is read whole, as readAnswer does, without `elements`. A list that is not one whole,
 * well-formed list comes back `unreadable`, as a whole answer would. Throws, as a request that got
 * no answer, when the connection fails or time runs out mid-answer.
 */
export async function readListAnswer(response: IN8nHttpFullResponse, list: NonNullable<MepOperation['list']>, limits: ListReading): Promise<MepAnswer> {
	const body = response.body as BodyStream | undefined;
	if (typeof body?.[Symbol.asyncIterator] !== 'function') return readAnswer('cmx2api', response); // no body to stream
	const headers = (response.headers ?? {}) as IDataObject;
	const contentType = String(headers['content-type'] ?? '');
	const answer: MepAnswer = { statusCode: response.statusCode, headers, contentType, text: '' };
	// The stream is given up when time runs out or the run stops: the pending read then fails.
	const giveUp = (error: Error) => {
		body.destroy(error); // first: the pending read fails with this error, not the abort's
		limits.abort.abort();
	};
	const stopListening = limits.stop.onStop(() => giveUp(Object.assign(new Error('The execution was stopped while MEP sent its answer'), { code: 'ERR_CANCELED' })));
	let finished = false;
	// The deadline's timer ends with the read (n8n 2.x's sleep takes a signal; 1.x's fires later and finds the read over).
	const read = new AbortController();
	wakeAt(limits.deadline, read.signal, () => {
		if (!finished) giveUp(Object.assign(new Error(`timeout of ${limits.timeoutMs}ms exceeded while MEP sent its answer`), { code: 'ECONNABORTED' }));
	}, sleep);
	const chunks = body[Symbol.asyncIterator]();
	const next = async (): Promise<Buffer | undefined> => {
		const { value, done } = await chunks.next();
		if (done) return undefined;
		return typeof value === 'string' ? Buffer.from(value, 'latin1') : (value as Buffer);
	};
	try {
		const start: Buffer[] = [];
		let startBytes = 0;
		let ended = false;
		while (startBytes < HEAD_BYTES) {
			const chunk = await next();
			if (!chunk) {
				ended = true;
				break;
			}
			start.push(chunk);
			startBytes += chunk.length;
		}
		const head = Buffer.concat(start);
		const { charset, bomBytes } = charsetOf(head, contentType);
		const headText = head.subarray(bomBytes, bomBytes + HEAD_BYTES).toString('latin1');
		const accepted = answer.statusCode >= 200 && answer.statusCode <= 299;
		// Judged by the body alone: a list is streamed whatever its Content-Type says.
		const isXml = /^\s*<(?![!]doctype\s+html|html)/i.test(headText);
		if (!accepted || !isXml) {
			// Not a list: read whole (what is kept of it), and judged as every other answer.
			const whole = [head];
			let kept = head.length;
			for (let chunk = ended ? undefined : await next(); chunk; chunk = await next()) {
				if (kept < WHOLE_MAX_BYTES) whole.push(chunk);
				kept += chunk.length;
			}
			return readAnswer('cmx2api', { ...response, body: Buffer.concat(whole) });
		}
		const elements: IDataObject[] = [];
		const limit = limits.limit ?? Infinity;
		const reader = new ListReader(list.root, list.child, limits.sink ?? ((element) => elements.push(element) < limit), list.key);
		let decode: (chunk: Buffer) => string;
		const slices = new Slices();
		/** Writes text to the XML reader; false once no more elements are wanted. */
		const writeText = async (text: string): Promise<boolean> => {
			for (let at = 0; at < text.length && reader.wanted; at += PIECE_CHARS) {
				reader.write(at === 0 && text.length <= PIECE_CHARS ? text : text.slice(at, at + PIECE_CHARS));
				await slices.turn();
			}
			return reader.wanted;
		};
		// A member list in ISO-8859-1 whose sink takes numbers: read as bytes, until anything unexpected hands it to the XML reader.
		const numbers = limits.sink?.numbers;
		let bytes = numbers !== undefined && LATIN1_NAMES.includes(charset) ? new MemberBytes({ numbers, element: limits.sink as ElementSink }, list.root, list.child) : undefined;
		/** The XML reader takes over where the byte reader stopped, `rest` after what it hands over. */
		const handOver = async (from: MemberBytes, rest: string): Promise<boolean> => {
			bytes = undefined;
			reader.resume(from.members);
			return await writeText(from.handOver + rest);
		};
		/** Writes a piece of the answer; false once no more elements are wanted. */
		const write = async (chunk: Buffer): Promise<boolean> => {
			const byteReader = bytes;
			if (byteReader === undefined) return await writeText(decode(chunk));
			for (let at = 0; at < chunk.length; at += PIECE_BYTES) {
				byteReader.write(at === 0 && chunk.length <= PIECE_BYTES ? chunk : chunk.subarray(at, at + PIECE_BYTES));
				if (!byteReader.reading) return await handOver(byteReader, chunk.toString('latin1', Math.min(chunk.length, at + PIECE_BYTES)));
				if (!byteReader.wanted) return false;
				await slices.turn();
			}
			return true;
		};
		answer.text = decodeStart(headText);
		const readAll = async () => {
			decode = decoderFor(charset); // a character set it cannot read: an answer that could not be read
			if (!(await write(head.subarray(bomBytes)))) return;
			for (let chunk = ended ? undefined : await next(); chunk; chunk = await next()) if (!(await write(chunk))) return;
			const byteReader = bytes;
			if (byteReader?.end()) return; // a whole list, as MEP writes it
			if (byteReader !== undefined && !(await handOver(byteReader, ''))) return;
			reader.end();
		};
		// A list that is not one is an answer that could not be read; a failed connection is no answer (thrown).
		const failure = await readAll().then(
			() => undefined,
			(error: unknown) => error,
		);
		if (failure === undefined) answer.elements = elements;
		else if (failure instanceof MepFormatError) answer.unreadable = failure.message;
		else throw failure;
		return answer;
	} finally {
		finished = true;
		read.abort();
		stopListening();
		if (!body.readableEnded) {
			// Given up before its end (a list that is not one, or all the elements wanted read): the connection too, as n8n's timeout no longer covers it.
			body.destroy();
			limits.abort.abort();
		}
	}
}

/** The start of an answer, for errors that quote it. */
const decodeStart = (headText: string) => headText.slice(0, 300);

/**
 * A decoder for the pieces of a streamed body in its character set (charsetOf): Latin-1 piece by
 * piece (one byte, one character), UTF-8 and others with TextDecoder's streaming mode, which holds
 * a character split between two pieces.
 */
function decoderFor(charset: string): (chunk: Buffer) => string {
	if (LATIN1_NAMES.includes(charset)) return (chunk) => chunk.toString('latin1');
	const decoder = textDecoderFor(charset);
	if (!decoder) throw new MepFormatError(`MEP declared a character set this node cannot read: ${charset}`);
	return (chunk) => decoder.decode(chunk, { stream: true });
}
