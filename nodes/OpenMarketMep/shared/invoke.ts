import { NodeApiError } from 'n8n-workflow';
import type { IDataObject, IExecuteSingleFunctions, IN8nHttpFullResponse, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { MEP_ASSUMPTIONS } from './assumptions';
import { CREDENTIAL_TYPE, markAnswer, scrubSecrets } from './errors';
import { MEP_ROLES } from './roles';

/** Invoke Service's documented error codes (SPEC 4.1): what they mean and whether to retry. */
const INVOKE_CODES: Record<number, { fix: string; retry: boolean }> = {
	1000: { fix: 'A permanent fault at OpenMarket: do not retry; contact OpenMarket Support.', retry: false },
	1010: { fix: 'A temporary fault at OpenMarket: safe to retry. OpenMarket suggests retrying every 15 minutes for up to 24 hours (Retry On Fail, or the error output into a Wait).', retry: true },
	12001: { fix: `The MEP account may not invoke this service. It needs ${MEP_ROLES.service}.`, retry: false },
	12002: { fix: 'MEP refused the request body: check the mobile number, mobile operator ID and variable names and values.', retry: false },
	12003: { fix: 'Invoke Service only accepts POST; check any proxy in between.', retry: false },
};

/** 202 with the request ID in a header; any other answer is a JSON error (SPEC 4.1). */
export async function invokeOutput(this: IExecuteSingleFunctions, _items: INodeExecutionData[], response: IN8nHttpFullResponse): Promise<INodeExecutionData[]> {
	const headers = response.headers as IDataObject;
	const environment = this.getNodeParameter('environment', 'production') as string;
	if (response.statusCode >= 200 && response.statusCode <= 299) {
		const name = Object.keys(headers).find((header) => MEP_ASSUMPTIONS.invokeRequestIdHeader.test(header));
		return [{ json: { accepted: true, requestId: name ? String(headers[name]) : null, environment, statusCode: response.statusCode }, pairedItem: { item: this.getItemIndex() } }];
	}
	const credentials = await this.getCredentials(CREDENTIAL_TYPE).catch(() => ({}) as IDataObject);
	const text = scrubSecrets(Buffer.isBuffer(response.body) ? response.body.toString('utf8') : String(response.body ?? ''), [credentials.password as string, credentials.username as string]);
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
	const retry = known?.retry ?? (response.statusCode >= 500 || response.statusCode === 429);
	throw markAnswer(new NodeApiError(this.getNode(), { message: mepMessage, code: code ?? null } as JsonObject, {
		message: `Invoke Service rejected the request${code ? ` (code ${code})` : ''}: ${mepMessage}`,
		description: `${known?.fix ?? (response.statusCode === 401 ? 'Check the username and password of the OpenMarket MEP API credential.' : `HTTP ${response.statusCode}.`)} ${retry ? 'Retrying is safe for this error, but check first that the service did not run.' : 'Retrying will not help.'}`,
		httpCode: String(response.statusCode),
		itemIndex: this.getItemIndex(),
	}));
}
