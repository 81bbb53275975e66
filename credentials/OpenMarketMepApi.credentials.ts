import type {
	ICredentialDataDecryptedObject,
	IHttpRequestOptions,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

const trimSlash = (url: unknown) => String(url ?? '').replace(/\/+$/, '');

/**
 * A MEP user's login. The cmx2api family takes it as `username` / `password` query parameters on
 * every call; Invoke Service takes the same login as HTTP Basic (SPEC 2.2). The base URLs are
 * editable so a proxy or the local emulator can stand in.
 */
export class OpenMarketMepApi implements ICredentialType {
	name = 'openMarketMepApi';

	displayName = 'OpenMarket MEP API';

	icon: Icon = { light: 'file:../icons/openMarketMep.svg', dark: 'file:../icons/openMarketMep.dark.svg' };

	documentationUrl = 'https://github.com/openmarket-mep/n8n-nodes-openmarket-mep#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
			description: 'The MEP user name (the user needs the MEP roles of the operations you use)',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'API Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://cmx2api.openmarket.com',
			description:
				'Base URL of the MEP subscription, broadcast, variable and inject APIs. Change it only to go through a proxy or to use the local MEP emulator.',
		},
		{
			displayName: 'Invoke Service URL (Production)',
			name: 'serviceManagerUrl',
			type: 'string',
			default: 'https://servicemanager.openmarket.com',
			description: 'Base URL of Invoke Service in production',
		},
		{
			displayName: 'Invoke Service URL (Customer Integration Environment)',
			name: 'cieUrl',
			type: 'string',
			default: 'https://servicemanager-cie.openmarket.com',
			description:
				'Base URL of Invoke Service in the Customer Integration Environment, which validates requests like production but never runs the service',
		},
	];

	/** Basic auth for the Invoke Service hosts, query-string credentials for everything else. */
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const target = `${trimSlash(requestOptions.baseURL)}${requestOptions.url ?? ''}`;
		const invokeHosts = [credentials.serviceManagerUrl, credentials.cieUrl].map(trimSlash).filter((url) => url !== '');
		const username = String(credentials.username ?? '');
		const password = String(credentials.password ?? '');
		if (invokeHosts.some((base) => target.startsWith(`${base}/`))) {
			return { ...requestOptions, auth: { username, password } };
		}
		return { ...requestOptions, qs: { ...(requestOptions.qs ?? {}), username, password } };
	}

	// A read-only call that needs a valid login. n8n's credential tester only sees the status code,
	// so each rejection is reported with MEP's own documented text for it (statuses: emulator/assumptions).
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/subscriptionapi/getsubscriptioncollections',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'MEP answered: "Your username and/or password is incorrect. Check and try again." Check the username and password of this credential.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'The login works, but MEP answered "You do not have the necessary roles or permissions to perform the action": the test lists subscription collections, which needs the Subscriptions Manager or User role and "HTTP Subscription API user". Operations that need other roles may still work.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'Nothing answers MEP API calls at this API Base URL. Use https://cmx2api.openmarket.com, or your proxy or emulator address without a path.',
				},
			},
		],
	};
}
