import type { IDataObject, INodeProperties, NodeOperationError } from 'n8n-workflow';
import type { ElementSink } from './reading';
import type { Slices } from './slices';

/** The two MEP API families: cmx2api (query string, XML or text answers) and Invoke Service (JSON, Basic). */
export type MepApi = 'cmx2api' | 'invokeService';

/** The credential field holding the base URL a request goes to. */
export type BaseUrlField = 'baseUrl' | 'serviceManagerUrl' | 'cieUrl';

/** What an operation's fields make of one item: the MEP call's parameters, before the login is added. */
export interface MepRequest {
	/** MEP's query parameters, in the order the fields are declared. */
	qs: Record<string, string>;
	/** A JSON body (Invoke Service). */
	body?: IDataObject;
	/** The path, when a field decides it (Invoke Service puts the service ID in it). */
	path?: string;
	/** The credential field with the base URL; the API's usual one when unset. */
	baseUrlField?: BaseUrlField;
	/** Return All off: at most this many output items. */
	limit?: number;
	/** The mobile number's country (ISO 3166 code, null when none), for the output beside `msisdn`. */
	msisdnCountry?: string | null;
}

/** One item's node parameters, as the fields of an operation read them. */
export interface ItemFields {
	readonly itemIndex: number;
	/** The workflow's time zone, for date fields. */
	readonly timezone: string;
	/** The parameter's value for this item; its expression is evaluated once, later reads reuse it. */
	value(path: string, fallback?: unknown): unknown;
	/** A bad value: names the field, the item and the fix. */
	fail(field: string, problem: string, fix: string): NodeOperationError;
}

/**
 * A field of an operation: what the editor shows, and how the value of one item becomes part of
 * the MEP call (which parameter it fills, after which check). A field without `fill` only shows
 * (an Options collection whose entries other fields read, a notice).
 */
export interface MepField {
	properties: INodeProperties[];
	fill?(item: ItemFields, request: MepRequest): void;
}

/** An MEP answer as received: status, headers and the decoded text. */
export interface MepAnswer {
	statusCode: number;
	headers: IDataObject;
	contentType: string;
	text: string;
	/** Why the body could not be read (a character set the node cannot read, a list cut off); text is then empty or its start. */
	unreadable?: string;
	/** A list answer read as it arrived (the operation's `list`): its elements, at most the request's limit; `text` is then only its start. */
	elements?: IDataObject[];
}

/**
 * One node operation, whole: its entry in the Operation dropdown, its fields, the MEP call they
 * fill, how the answer becomes output items, and whether repeating it after an unknown outcome
 * is harmless. The executor (executor.ts) runs every operation from this alone.
 */
export interface MepOperation {
	resource: string;
	/** The `operation` parameter's value (saved workflows hold it). */
	operation: string;
	/** For an operation with several MEP calls (Broadcast › Send): the parameter and value that pick this one. */
	variant?: { parameter: string; value: string; name: string; description: string };
	name: string;
	action: string;
	description: string;
	api: MepApi;
	method: 'GET' | 'POST';
	path: string;
	fields: MepField[];
	/**
	 * An answer that can be a long list (a subscription's members): read as it arrives, never whole
	 * in memory, its `child` elements in `answer.elements`; `key`, the element each has once.
	 */
	list?: { root: string; child: string; key?: string };
	/** The output items for one accepted answer; throw MepFormatError when the answer is not what MEP sends. */
	output(answer: MepAnswer, request: MepRequest): IDataObject[];
	/** Whether repeating it when the outcome is unknown (5xx, a cut connection) has no further effect. */
	retrySafe: boolean;
	/**
	 * An operation run once for all its input items together (Subscription › Sync Members) instead
	 * of one call per item: the executor reads and checks every item's fields as always, then the
	 * plan turns them into the MEP calls to make (other operations' declarations), which the
	 * executor sends, retries and pairs as it sends every item.
	 */
	perRun?: PerRunOperation;
}

/** What a per-run operation is given by the executor: the run's settings, its one read, its static data. */
export interface RunTools {
	/** The node's parameters as the first item gives them: a per-run setting is read once, from there. */
	fields: ItemFields;
	/** How many input items the run has. */
	items: number;
	/** Whether n8n saves what this execution writes into the node's static data (production executions; not manual ones). */
	production: boolean;
	/** The node's static data (`getWorkflowStaticData('node')`). */
	staticData: IDataObject;
	/** The MEP account the run sends to (base URL and username, never the password). */
	account: string;
	/**
	 * The operation's own MEP call (a list read as it arrives), sent as every call is (the
	 * account's pace, retries within Request Options › Timeout): each try's elements go into the
	 * sink `sinkFor` gives for it. Throws the error users see when it fails.
	 */
	readList(request: MepRequest, sinkFor: () => ElementSink): Promise<void>;
	/** Whether the run has stopped (cancelled). */
	readonly stopped: boolean;
	/** Settles when the run stops: a wait that must end then races it. */
	whenStopped: Promise<void>;
	slices: Slices;
	warn(message: string): void;
	/** A failure of the whole run (not of one item): names what, and the fix. */
	fail(problem: string, fix: string): NodeOperationError;
}

/**
 * One change a per-run operation plans: an MEP call (another operation's declaration and its
 * request) or, without one, an output item only (a number skipped, a Dry Run). At most one change
 * per input item: its output takes that item's place.
 */
export interface PlannedChange {
	/** The input item it answers for (output and error paired to it); none for a change no item asked for (a member removed). */
	itemIndex?: number;
	call?: {
		operation: MepOperation;
		request: MepRequest;
		/** Its output item, from the call's own output items. */
		output(results: IDataObject[]): IDataObject;
		/** Names it in an error that is not the item's (no input item): "The removal of 447700900123". */
		subject?: string;
	};
	/** Its output item when there is no call. */
	json?: IDataObject;
}

/** How a planned call ended: its answer's items, refused (MEP did nothing), unknown (MEP may have acted), or undefined when it was never sent (the run stopped). */
export type CallOutcome = { done: IDataObject[] } | { failed: 'refused' | 'unknown' } | undefined;

export interface RunPlan {
	changes: PlannedChange[];
	/**
	 * Called once the calls have ended or the run stopped (also after a failure): each change's
	 * outcome by its index. Answers the run's line for n8n's log (text and fields), and the output
	 * items when they replace the per-change ones (a summary item).
	 */
	finish(outcomes: CallOutcome[]): Promise<{ log: string; fields: IDataObject; items?: IDataObject[] }>;
}

export interface PerRunOperation {
	/** The run's changes from every item's checked request (items that failed their checks are left out): may read from MEP, and may throw the run's error (nothing sent). */
	plan(tools: RunTools, wanted: Array<{ itemIndex: number; request: MepRequest }>): Promise<RunPlan>;
}
