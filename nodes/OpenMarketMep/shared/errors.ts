import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';
import type { MepAnswer } from './operation';
import type { RunPaceSummary } from './pace';
import { MEP_ASSUMPTIONS } from './assumptions';
import { errorCodes, RETRY } from './retries';
import type { ItemTries, NoAnswer } from './retries';
import { MEP_ROLES } from './roles';

export const CREDENTIAL_TYPE = 'openMarketMepApi';

/** The node fields behind MEP's query parameters, to name them in error descriptions. */
const FIELD_LABELS: Record<string, string> = {
	subscription: 'Subscription ID',
	subscriptions: 'Subscription IDs',
	msisdn: 'Mobile Number',
	network: 'Network',
	account: 'Gateway Account ID',
	name: 'Broadcast Name',
	message: 'Message',
	charactersupport: 'GSM Characters Only',
	multipart: 'Allow Multipart',
	scope: 'Scope',
	id: 'Service ID or Service Collection ID',
	key: 'Key',
	value: 'Value',
};

const REDACTED = '***';

/** Removes the MEP login from any text that may reach the user, the logs or saved executions. */
export function scrubSecrets(text: string, secrets: Array<string | undefined>): string {
	let scrubbed = text
		.replace(/((?:^|[?&\s])password=)[^&\s]*/gi, `$1${REDACTED}`)
		.replace(/(Authorization:\s*Basic\s+)\S+/gi, `$1${REDACTED}`);
	for (const secret of secrets) {
		if (!secret || secret.length < 3) continue;
		for (const form of new Set([secret, encodeURIComponent(secret), encodeURIComponent(secret).replace(/%20/g, '+')])) {
			scrubbed = scrubbed.split(form).join(REDACTED);
		}
	}
	return scrubbed;
}

export function isMepRejectionText(text: string): boolean {
	return MEP_ASSUMPTIONS.rejectionPrefixes.some((prefix) => text.trim().startsWith(prefix));
}

/** How to fix what MEP rejected, from its (documented) rejection texts. */
function fixFor(text: string, resource: string): string | undefined {
	if (text.startsWith('Your username and/or password is incorrect')) {
		return 'Check the username and password of the OpenMarket MEP API credential (both are case-sensitive) and that the API Base URL points at the right MEP.';
	}
	const role = /^You do not have the necessary roles or permissions to perform the action:?\s*(.*)$/s.exec(text);
	if (role) {
		return `Ask your MEP administrator to give this MEP user ${MEP_ROLES[resource] ?? 'the missing role'}. MEP named what is missing: ${role[1] || 'nothing'}.`;
	}
	if (text.startsWith('Subscription is disabled')) {
		return 'The subscription is disabled. Only MEP\'s web interface can re-enable it (there is no API call for that); until then use another subscription.';
	}
	const invalid = /specifically the following parameter is incorrect:\s*([^=\s]+)=(.*)$/s.exec(text);
	if (invalid) {
		const [, parameter, value] = invalid;
		const field = FIELD_LABELS[parameter] ?? parameter;
		if (value.trim() === 'null') {
			return `MEP did not receive "${parameter}". Fill in the ${field} field.`;
		}
		if (parameter === 'subscription' || parameter === 'subscriptions') {
			return `Check the ${field}: each must be an existing subscription in a collection this MEP user can access (Subscription › Get Many lists them).`;
		}
		return `MEP did not accept the ${field} (${parameter}). Check its value against the field's help.`;
	}
	return undefined;
}

/** The message's last sentences for a failure whose effect is unknown: may the item be retried? */
function retryAdvice(retrySafe: boolean): string {
	if (!retrySafe) {
		return 'Its outcome is unknown, so the node did not send it again. Not safe to retry blindly: MEP may already have acted on it (a broadcast sent, a message injected, a service run, a subscription created); check in MEP before repeating it.';
	}
	return 'Safe to retry: repeating this operation has no further effect.';
}

const STOPPED_BECAUSE: Partial<Record<ItemTries['stop'], string>> = {
	maxTries: `${RETRY.maxTries} tries is the most for one item`,
	budget: `no more retries: MEP failed too many of this run's requests (a run retries at most ${RETRY.budget.initial} + ${100 / RETRY.budget.itemsPerRetry}% of its items)`,
	time: 'no time left for another try within Request Options › Timeout',
};

/** How many tries an item took and why the node stopped trying ("" for one try that ended it). */
function triesSentence(tries: ItemTries | undefined): string {
	if (!tries || tries.stop.startsWith('rateLimit')) return ''; // 429s: said in the description
	const because = STOPPED_BECAUSE[tries.stop];
	if (tries.count <= 1 && !because) return '';
	const times = tries.count === 1 ? 'once' : `${tries.count} times`;
	return `Tried ${times} (${tries.history.join(', ')})${because ? `; stopped: ${because}` : ''}. `;
}

function excerpt(text: string): string {
	const oneLine = text.replace(/\s+/g, ' ').trim();
	return oneLine.length > 300 ? `${oneLine.slice(0, 300)}…` : oneLine;
}

/** Who failed, and what the error may say about it: the item, the operation, and the login to scrub out. */
export interface FailureContext {
	node: INode;
	itemIndex: number;
	resource: string;
	retrySafe: boolean;
	/** The MEP password and username, removed from any text MEP or the network sends back. */
	secrets: string[];
}

/**
 * Turns a rejected or unusable cmx2api answer into the one error users see, secrets removed;
 * `tries`: the item's tries, when it was sent more than once or not again for a reason to tell.
 */
export function mepAnswerError(context: FailureContext, answer: MepAnswer, problem?: string, tries?: ItemTries): NodeApiError {
	const text = scrubSecrets(answer.text, context.secrets);
	const status = answer.statusCode;
	const advice = triesSentence(tries) + retryAdvice(context.retrySafe);
	const attempts = tries?.rateLimitedTries ?? 1;
	let message: string;
	let description: string | undefined;
	if (isMepRejectionText(text)) {
		message = `MEP rejected the request: ${excerpt(text)}`;
		description = fixFor(text.trim(), context.resource);
	} else if (/html/i.test(answer.contentType) || /^\s*<(!doctype\s+html|html)/i.test(text)) {
		const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
		message = `MEP answered HTTP ${status} with a web page instead of an API answer${title ? `: "${title}"` : ''}. ${advice}`;
		description = 'A proxy, load balancer or wrong address answered instead of MEP. Check the API Base URL of the credential and any proxy in between; if it is temporary, retry later.';
	} else if (status === 429) {
		message = `MEP is limiting the request rate (HTTP 429)${text ? `: ${excerpt(text)}` : ''}. The request was refused, so it is safe to retry.`;
		description = rateLimitFix(answer, attempts);
	} else if (status >= 500) {
		message = `MEP failed with HTTP ${status}${text ? `: ${excerpt(text)}` : ''}. ${advice}`;
		description = 'A fault on MEP\'s side or in between. Try again later; if it persists, contact OpenMarket Support.';
	} else if (problem) {
		message = `MEP's answer could not be read: ${scrubSecrets(problem, context.secrets)}. ${advice}`;
		description = `HTTP ${status}, answer starts with: "${excerpt(text).slice(0, 120)}". Check the API Base URL and any proxy in between.`;
	} else {
		message = `MEP rejected the request with HTTP ${status}${text ? `: ${excerpt(text)}` : ''}`;
	}
	return new NodeApiError(context.node, { message: text } as JsonObject, { message, description, httpCode: String(status), itemIndex: context.itemIndex });
}

/** What to do after the executor's own waits and retries on 429 ran out. */
function rateLimitFix(answer: MepAnswer, attempts: number): string {
	const retryAfter = answer.headers['retry-after'];
	const asked = retryAfter === undefined ? '' : ` MEP asks to wait ${String(retryAfter)} s.`;
	const tried = attempts > 1 ? `The node waited and tried ${attempts} times within Request Options › Timeout. ` : '';
	return `${tried}Slow down: set Request Options › Batching (e.g. 10 items every 1000 ms) or lower Max Requests in Flight, and use Retry On Fail with a wait between tries.${asked}`;
}

const NETWORK_FIXES: Record<string, string> = {
	ECONNREFUSED: 'Nothing accepted the connection. Check the API Base URL of the credential, and that MEP (or your proxy or emulator) is reachable from n8n.',
	ENOTFOUND: 'The host name of the API Base URL does not resolve. Check the credential\'s API Base URL.',
	EAI_AGAIN: 'The host name of the API Base URL could not be looked up just now (a temporary DNS failure). If it persists, check the DNS of the n8n host.',
	ECONNRESET: 'The connection was cut while MEP was answering. Retrying is safe only for operations that read or that MEP applies idempotently.',
	ECONNABORTED: 'MEP did not answer in time. Raise Request Options › Timeout, or slow down with Request Options › Batching; check whether the request took effect before retrying it.',
	ETIMEDOUT: 'MEP did not answer in time. Raise Request Options › Timeout, or slow down with Request Options › Batching; check whether the request took effect before retrying it.',
};

/** A request that got no answer (refused, cut, timed out, blocked) as the item's error, login removed. */
export function requestError(context: FailureContext, caught: unknown, tries?: ItemTries, noAnswer?: NoAnswer): NodeApiError | NodeOperationError {
	if (caught instanceof NodeOperationError) {
		// n8n's own refusals before sending (a domain the credential does not allow, a bad proxy)
		caught.message = scrubSecrets(caught.message, context.secrets);
		if (caught.description) caught.description = scrubSecrets(caught.description, context.secrets);
		if (caught.context.itemIndex === undefined) caught.context.itemIndex = context.itemIndex;
		return caught;
	}
	const error = (caught ?? {}) as Error & { code?: string; cause?: { code?: string; message?: string }; description?: string };
	const code = errorCodes(caught).find((found) => found in NETWORK_FIXES) ?? error.code ?? '';
	const raw = error.message || String(caught);
	const timedOut = /timeout|timed out/i.test(raw) ? 'ETIMEDOUT' : '';
	const message = scrubSecrets(raw, context.secrets);
	const notSent = noAnswer === 'notSent' || noAnswer === 'refused';
	const advice = triesSentence(tries) + (notSent ? 'Nothing was sent, so it is safe to retry.' : retryAdvice(context.retrySafe));
	return new NodeApiError(context.node, { message, code } as JsonObject, {
		message: `The request to MEP failed: ${message}. ${advice}`,
		description: NETWORK_FIXES[code] ?? NETWORK_FIXES[timedOut] ?? (error.description ? scrubSecrets(String(error.description), context.secrets) : undefined),
		httpCode: 'none',
		itemIndex: context.itemIndex,
	});
}

/** A bad field value found before any request is sent. */
export function fieldError(node: INode, itemIndex: number, field: string, problem: string, fix: string): NodeOperationError {
	return new NodeOperationError(node, `${field} in item ${itemIndex}: ${problem}`, { itemIndex, description: fix });
}

/** An item whose Timeout ran out while it waited for its turn in the MEP account's pace: nothing was sent. */
export function paceWaitError(
	node: INode,
	itemIndex: number,
	waitedMs: number,
	timeoutMs: number,
	pace: RunPaceSummary,
	{ subject = `Item ${itemIndex}`, timeoutField = 'Request Options › Timeout' } = {},
): NodeOperationError {
	const rate = pace.rateLimit === undefined ? '' : ` MEP has been taking about ${pace.rateLimit} requests per second from it.`;
	return new NodeOperationError(node, `${subject} was not sent: it waited ${Math.round(waitedMs / 100) / 10} s for its turn to send to MEP, and ${timeoutField} (${timeoutMs / 1000} s) ran out`, {
		itemIndex,
		description:
			`Every execution in this n8n process that uses this MEP account (the same base URL and username) takes turns in one pace; ${pace.runs} ${pace.runs === 1 ? 'was' : 'were'} sending.${rate} ` +
			`Nothing was sent for this item, so running it again is safe. Raise ${timeoutField}, or send the large runs of this account at a quieter time.`,
	});
}
