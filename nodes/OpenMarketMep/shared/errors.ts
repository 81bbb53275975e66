import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IExecuteSingleFunctions, INode, JsonObject } from 'n8n-workflow';
import { MEP_ASSUMPTIONS } from './assumptions';
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

async function loginOf(context: IExecuteSingleFunctions): Promise<string[]> {
	try {
		const credentials = await context.getCredentials(CREDENTIAL_TYPE);
		return [credentials.password as string, credentials.username as string];
	} catch {
		return [];
	}
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

/**
 * Whether repeating an operation whose outcome is unknown (5xx, 429, a cut connection, an answer
 * that cannot be read) is harmless: reads, and what MEP applies idempotently (a number is in a
 * subscription once, a variable has one value). Sends and creations would happen twice.
 */
const RETRY_SAFE: Record<string, boolean> = {
	'subscription.addUser': true,
	'subscription.removeUser': true,
	'subscription.disable': true,
	'subscription.getUsers': true,
	'subscription.getUserSubscriptions': true,
	'subscription.getAll': true,
	'subscription.getCollections': true,
	'variable.set': true,
	'variable.delete': true,
	'subscription.create': false,
	'broadcast.send': false,
	'message.inject': false,
	'service.invoke': false,
};

/** One sentence for the message of a failure whose effect is unknown: may the item be retried? */
export function retryAdvice(context: IExecuteSingleFunctions): string {
	const resource = context.getNodeParameter('resource', '') as string;
	const operation = context.getNodeParameter('operation', '') as string;
	if (RETRY_SAFE[`${resource}.${operation}`] === false) {
		return 'Not safe to retry blindly: MEP may already have acted on it (a broadcast sent, a message injected, a service run, a subscription created); check in MEP before repeating it.';
	}
	return 'Safe to retry: repeating this operation has no further effect.';
}

function excerpt(text: string): string {
	const oneLine = text.replace(/\s+/g, ' ').trim();
	return oneLine.length > 300 ? `${oneLine.slice(0, 300)}…` : oneLine;
}

export interface MepAnswer {
	statusCode: number;
	text: string;
	contentType: string;
	retryAfter?: string;
}

/** Turns a rejected or unusable MEP answer into the one error users see, secrets removed. */
export async function mepAnswerError(
	context: IExecuteSingleFunctions,
	answer: MepAnswer,
	problem?: string,
): Promise<NodeApiError> {
	const secrets = await loginOf(context);
	const text = scrubSecrets(answer.text, secrets);
	const resource = context.getNodeParameter('resource', '') as string;
	const status = answer.statusCode;
	let message: string;
	let description: string | undefined;
	if (isMepRejectionText(text)) {
		message = `MEP rejected the request: ${excerpt(text)}`;
		description = fixFor(text.trim(), resource);
	} else if (/html/i.test(answer.contentType) || /^\s*<(!doctype\s+html|html)/i.test(text)) {
		const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
		message = `MEP answered HTTP ${status} with a web page instead of an API answer${title ? `: "${title}"` : ''}. ${retryAdvice(context)}`;
		description = 'A proxy, load balancer or wrong address answered instead of MEP. Check the API Base URL of the credential and any proxy in between; if it is temporary, retry later.';
	} else if (status === 429) {
		const retryAfter = answer.retryAfter ? ` MEP asks to wait ${answer.retryAfter} s.` : '';
		message = `MEP is limiting the request rate (HTTP 429)${text ? `: ${excerpt(text)}` : ''}. The request was refused, so it is safe to retry.`;
		description = `Slow down: set Request Options › Batching (e.g. 10 items every 1000 ms), and use Retry On Fail with a wait between tries.${retryAfter}`;
	} else if (status >= 500) {
		message = `MEP failed with HTTP ${status}${text ? `: ${excerpt(text)}` : ''}. ${retryAdvice(context)}`;
		description = 'A fault on MEP\'s side or in between. Try again later; if it persists, contact OpenMarket Support.';
	} else if (problem) {
		message = `MEP's answer could not be read: ${problem}. ${retryAdvice(context)}`;
		description = `HTTP ${status}, answer starts with: "${excerpt(text).slice(0, 120)}". Check the API Base URL and any proxy in between.`;
	} else {
		message = `MEP rejected the request with HTTP ${status}${text ? `: ${excerpt(text)}` : ''}`;
	}
	return new NodeApiError(context.getNode(), { message: text } as JsonObject, {
		message,
		description,
		httpCode: String(status),
		itemIndex: context.getItemIndex(),
	});
}

/** Marks an error built from MEP's own answer, so the per-item executor passes it on unchanged. */
export function markAnswer(error: NodeApiError): NodeApiError {
	error.context = { ...error.context, mepAnswer: true };
	return error;
}

/** A bad field value found before any request is sent. */
export function fieldError(node: INode, itemIndex: number, field: string, problem: string, fix: string): NodeOperationError {
	return new NodeOperationError(node, `${field} in item ${itemIndex}: ${problem}`, {
		itemIndex,
		description: fix,
	});
}
