import { NodeApiError } from 'n8n-workflow';
import type { IDataObject, JsonObject } from 'n8n-workflow';
import { MEP_ASSUMPTIONS } from './assumptions';
import { scrubSecrets } from './errors';
import type { FailureContext } from './errors';
import type { MepAnswer, MepRequest } from './operation';
import { MEP_ROLES } from './roles';

/** Invoke Service's documented error codes (SPEC 4.1): what they mean and whether to retry. */
const INVOKE_CODES: Record<number, { fix: string; retry: boolean }> = {
	1000: { fix: 'A permanent fault at OpenMarket: do not retry; contact OpenMarket Support.', retry: false },
	1010: { fix: 'A temporary fault at OpenMarket: safe to retry. OpenMarket suggests retrying every 15 minutes for up to 24 hours (Retry On Fail, or the error output into a Wait).', retry: true },
	12001: { fix: `The MEP account may not invoke this service. It needs ${MEP_ROLES.service}.`, retry: false },
	12002: { fix: 'MEP refused the request body: check the mobile number, mobile operator ID and variable names and values.', retry: false },
	12003: { fix: 'Invoke Service only accepts POST; check any proxy in between.', retry: false },
};

/** 202 with the request ID in a header (SPEC 4.1). */
export function invokeAccepted(answer: MepAnswer, request: MepRequest): IDataObject[] {
	const name = Object.keys(answer.headers).find((header) => MEP_ASSUMPTIONS.invokeRequestIdHeader.test(header));
	return [
		{
			accepted: true,
			requestId: name ? String(answer.headers[name]) : null,
			environment: request.baseUrlField === 'cieUrl' ? 'cie' : 'production',
			statusCode: answer.statusCode,
		},
	];
}

/**
 * Any answer but a 2xx is a JSON error with a code, or a fault in between (SPEC 4.1). A 5xx
 * without a documented code leaves unknown whether the service ran: it is not sent again.
 */
export function invokeAnswerError(context: FailureContext, answer: MepAnswer): NodeApiError {
	const text = scrubSecrets(answer.text, context.secrets);
	let code: number | undefined;
	let mepMessage = text.slice(0, 300);
	try {
		const parsed = JSON.parse(text) as IDataObject;
		code = Number(parsed.code ?? parsed.errorCode);
		mepMessage = String(parsed.message ?? parsed.description ?? mepMessage);
	} catch {
		// not JSON: a proxy or a fault in between; keep the text
	}
	const known = code !== undefined ? INVOKE_CODES[code] : undefined;
	const retry = known?.retry ?? (answer.statusCode >= 500 || answer.statusCode === 429);
	const fix = known?.fix ?? (answer.statusCode === 401 ? 'Check the username and password of the OpenMarket MEP API credential.' : `HTTP ${answer.statusCode}.`);
	const unknownOutcome = !known && answer.statusCode >= 500 ? '. Its outcome is unknown, so the node did not send it again' : '';
	return new NodeApiError(context.node, { message: mepMessage, code: code ?? null } as JsonObject, {
		message: `Invoke Service rejected the request${code ? ` (code ${code})` : ''}: ${mepMessage}${unknownOutcome}`,
		description: `${fix} ${retry ? 'Retrying is safe for this error, but check first that the service did not run.' : 'Retrying will not help.'}`,
		httpCode: String(answer.statusCode),
		itemIndex: context.itemIndex,
	});
}
