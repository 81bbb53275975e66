/**
 * Every behaviour of the node that rests on a guess about MEP rather than on its documentation
 * (shared/mep-api/SPEC.md). Correct an entry here once a real MEP answer shows otherwise.
 */
export const MEP_ASSUMPTIONS = {
	/** SPEC 2.6: MEP types msisdn as an integer; the sibling Invoke API allows 6–16 digits. */
	msisdnDigits: { min: 6, max: 16 },

	/** SPEC 4.x: every documented ID (subscription, collection, account, service) is alphanumeric. */
	idPattern: /^[A-Za-z0-9_.-]+$/,

	/** SPEC 7.15: the maximum number of subscription IDs in one broadcast is undocumented. */
	maxSubscriptionsPerBroadcast: 100,

	/** SPEC 4.3: `charactersupport=gsm` is the only documented value; anything else is unknown. */
	gsmCharacterSupportValue: 'gsm',

	/** SPEC 4.3: GSM 03.38 lengths MEP presumably checks at submit time without EL. */
	sms: { singlePartUnits: 160, multipartUnits: 153, maxParts: 6 },

	/** SPEC 4.1: the request-ID header's name is undocumented; the first header that looks like one. */
	invokeRequestIdHeader: /^(x-)?(om-)?request-?id$/i,

	/** SPEC 4.1/7.4: Invoke Service variable keys' character set and length are undocumented. */
	invokeVariableKey: /^[A-Za-z0-9_.-]{1,100}$/,

	/** SPEC 2.5/7.1: the plain-text rejection texts are documented on adduser; we expect them everywhere. */
	rejectionPrefixes: [
		'Your username and/or password is incorrect',
		'Your request is invalid, specifically the following parameter is incorrect',
		'You do not have the necessary roles or permissions to perform the action',
		'Subscription is disabled',
	],
} as const;
