// THE table of what the emulator does where OpenMarket's documentation is silent.
// `documented` says what part is from shared/mep-api/SPEC.md; everything else is our assumption,
// to correct here (and only here) once a real MEP answer is seen.

const invalidText = (parameter, value) =>
	`Your request is invalid, specifically the following parameter is incorrect: ${parameter}=${value ?? 'null'}`;
const roleText = (description) => `You do not have the necessary roles or permissions to perform the action: ${description}`;

export const REJECTIONS = {
	badCredentials: {
		status: 401,
		text: () => 'Your username and/or password is incorrect. Check and try again.',
		documented: 'text (SPEC 4.9); status assumed',
	},
	invalidParameter: {
		status: 400,
		text: invalidText,
		documented: 'text and 400 (SPEC 4.9); `null` for a missing parameter',
	},
	missingRole: {
		status: 403,
		text: roleText,
		documented: 'text prefix (SPEC 4.9); status and the description after the colon assumed',
	},
	subscriptionDisabledAdd: {
		status: 400,
		text: () => 'Subscription is disabled. Cannot add user to disabled subscription.',
		documented: 'text (SPEC 4.9); status assumed',
	},
	subscriptionDisabledRemove: {
		status: 400,
		text: () => 'Subscription is disabled. Cannot remove user from disabled subscription.',
		documented: 'rule only (SPEC 4.10); text and status assumed, modelled on the add text',
	},
	subscriptionProtected: {
		status: 400,
		text: () => 'Subscription is protected. Protected subscriptions cannot be disabled.',
		documented: 'rule only (SPEC 4.7); text and status assumed',
	},
	subscriptionAlreadyDisabled: {
		status: 400,
		text: () => 'Subscription is already disabled.',
		documented: 'nothing; assumed',
	},
	tooLong: {
		status: 400,
		// MEP documents the limits, not the rejection: reuse the invalid-parameter text.
		text: (parameter, value) => invalidText(parameter, value),
		documented: 'limits only (SPEC 2.9); text and status assumed',
	},
	methodNotAllowed: {
		status: 405,
		text: () => 'HTTP method not supported: use GET.',
		documented: 'nothing (SPEC 7.14 asks whether POST works); assumed',
	},
	notFound: {
		status: 404,
		text: () => 'Not Found',
		documented: 'nothing; assumed',
	},
};

export const SUCCESS = {
	declaration: '<?xml version="1.0" encoding="ISO-8859-1"?>',
	/** removeuser for a non-member, byte for byte (SPEC 4.10, documented). */
	removeUserNotSubscribed: '<?xml version="1.0" ?>\n<users>\n</users>\n',
	/**
	 * variableapi/delete of a missing variable: `204 No Content OK` with `Content-Type: text/plain`
	 * and `Content-Length: 22` (documented). The documented body `Variable did not exist` is NOT
	 * put on the wire by default: Apache-Coyote (MEP's server) voids 204 bodies, and Node's HTTP
	 * parser fails on one ("Expected HTTP/"). startEmulator({ send204Body: true }) (CLI
	 * --send-204-body) sends the bytes too; the fault `status204WithBody` does it per request.
	 */
	variableDidNotExist: { status: 204, reason: 'No Content OK', text: 'Variable did not exist', sendBodyByDefault: false },
	/** Empty lists of the other list operations: root with no children, ISO-8859-1 declaration. */
	emptyList: { documented: 'no; assumed (SPEC 7.11)' },
	/** Re-adding a current member answers the normal adduser success (SPEC 7.12, assumed). */
	reAddAnswersSuccess: true,
	/** Broadcast and inject acknowledgements: structure undocumented (SPEC 7.2), provisional. */
	broadcastAck: (id) => ({ root: 'broadcast', fields: { id } }),
	injectAck: (id) => ({ root: 'message', fields: { id } }),
	/** Member startDate: YYYY-MM-DD HH:MM:SS, UK time like other MEP times (SPEC 7.13, assumed). */
	startDateTimeZone: 'Europe/London',
};

export const IDS = {
	/** New subscription, broadcast and message IDs: uppercase hex, 12 characters (SPEC 8, assumed). */
	length: 12,
	alphabet: '0123456789ABCDEF',
};

export const LIMITS = {
	msisdnDigits: { min: 6, max: 16 }, // sibling Invoke API (SPEC 2.6); assumed for cmx2api
	subscriptionName: 255, // assumed (SPEC 7.10)
	subscriptionDescription: 255, // documented
	broadcastName: 255, // documented
	variableValue: 255, // documented
	maxSubscriptionsPerBroadcast: 100, // assumed (SPEC 7.15)
	sms: { singlePartUnits: 160, multipartUnits: 153, maxParts: 6 }, // GSM 03.38 norms; MEP's checks assumed
	characterSupportValues: ['gsm'], // only `gsm` is documented (SPEC 4.3)
	injectEncodings: ['UTF-8', 'ISO-8859-1', 'US-ASCII'], // `UTF-8` documented as an example; the rest assumed
	/** Variable keys: documented charset (SPEC 4.14): letters, `_`, `-`, `.`. */
	variableKey: /^[A-Za-z_.-]+$/,
	/** Inject variables: extra parameters named <scope>.<key> for these scopes (SPEC 7.6, assumed). */
	injectVariableScopes: ['session', 'user', 'userservice'],
};

export const INVOKE = {
	requestIdHeader: 'X-Request-Id', // header name undocumented (SPEC 4.1)
	/** JSON error envelope; field names undocumented (SPEC 4.1), codes and messages documented. */
	error: (code, message) => ({ code, message }),
	badAuth: { status: 401, code: 401, message: 'Authentication failed. Check the account ID and password.', documented: 'nothing; assumed' },
	notAuthorized: {
		status: 403,
		code: 12001,
		message: 'Account is not authorized to use this API. Correct your account or contact OpenMarket Support.',
		documented: 'yes',
	},
	invalidJson: { status: 400, code: 12002, prefix: 'Invalid JSON in the payload. ', documented: 'code and prefix; conditions assumed' },
	invalidMethod: { status: 405, code: 12003, message: 'Invalid HTTP method.', documented: 'yes' },
	permanent: {
		status: 500,
		code: 1000,
		message: 'An error occurred while processing the request. Please contact OpenMarket Support.',
		documented: 'yes',
	},
	retryable: {
		status: 500,
		code: 1010,
		message: 'An error occurred while processing the request. Please retry. If retries continue to fail, contact OpenMarket Support.',
		documented: 'yes',
	},
	/** An unknown service answers like one the account may not use (12001): assumed. */
	unknownServiceIsUnauthorized: true,
	variableKey: /^[A-Za-z0-9_.-]{1,100}$/, // assumed
	variableValueMax: 1000, // assumed
};

/** Plain-text bodies of injected 5xx faults (real MEP runs on Apache-Coyote; its pages unknown). */
export const FAULT_BODIES = {
	status500: 'An internal error occurred. Please try again later.',
	status503: 'Service Temporarily Unavailable',
	rateLimited: 'Too many requests. Slow down and try again.',
};
