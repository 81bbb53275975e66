// THE table of the emulator's choices about MEP behaviour. Every entry says whether it is
// `documented` (OpenMarket's reference, as quoted in shared/mep-api/SPEC.md; reproduced verbatim),
// `partly documented` (e.g. documented text, assumed status code) or an `assumption` (the docs are
// silent; SPEC section 7 lists the gaps), with a one-line reason. Correct an assumption here, and
// only here, once a real MEP answer has been seen. README.md's "Documented vs assumed behaviour"
// table is generated from this file: `node emulator/assumptions.mjs` prints it.

import { pathToFileURL } from 'node:url';

const DOCUMENTED = 'documented';
const PARTLY = 'partly documented';
const ASSUMED = 'assumption';

const invalidText = (parameter, value) =>
	`Your request is invalid, specifically the following parameter is incorrect: ${parameter}=${value ?? 'null'}`;
const roleText = (description) => `You do not have the necessary roles or permissions to perform the action: ${description}`;

/** Plain-text rejections of the cmx2api routes (always `Content-Type: text/plain`, never XML). */
export const REJECTIONS = {
	badCredentials: {
		status: 401,
		text: () => 'Your username and/or password is incorrect. Check and try again.',
		source: PARTLY,
		behaviour: 'Wrong or missing `username`/`password`',
		why: 'Text documented on adduser (SPEC 4.9); its status is not, and 401 is what HTTP uses for a failed login.',
	},
	invalidParameter: {
		status: 400,
		text: invalidText,
		source: DOCUMENTED,
		behaviour: 'Missing or invalid mandatory parameter (`<value>` is `null` when missing or misspelt)',
		why: 'Text and the 400 example (`subscription=ABCDE`) documented on adduser (SPEC 4.9); reused on every cmx2api route.',
	},
	unknownOrInaccessibleId: {
		status: 400,
		text: invalidText,
		source: PARTLY,
		behaviour: 'Unknown subscription/collection/gateway/service/routing code, or one in a collection the user may not access',
		why: 'The documented example rejects an unknown subscription this way; an inaccessible one is made to look the same so IDs do not leak.',
	},
	missingRole: {
		status: 403,
		text: roleText,
		source: PARTLY,
		behaviour: 'Account lacks a role or permission',
		choice: '403 text/plain `You do not have the necessary roles or permissions to perform the action: <description>`, the description naming the missing MEP role(s), e.g. `Subscriptions Manager or Subscriptions User`, `HTTP Subscription API user`, `Broadcasts: User`',
		why: 'Text prefix documented (SPEC 4.9); the status and the wording after the colon are not, 403 is HTTP\'s "not allowed".',
	},
	gatewayNotAllowed: {
		status: 403,
		text: (gatewayId) => roleText(`System - Accounts: access to gateway account ${gatewayId}`),
		choice: '403 with the role text, description `System - Accounts: access to gateway account <id>`',
		source: PARTLY,
		behaviour: 'Broadcast through a gateway account the user may not use',
		why: 'Gateway access is a documented permission (SPEC 2.8); reported with the documented role text.',
	},
	notMmsCapable: {
		status: 403,
		text: () => roleText('an MMS-capable MEP account'),
		source: PARTLY,
		behaviour: 'MMS broadcast from an account that is not MMS-capable',
		why: 'The requirement is documented (SPEC 4.4); the rejection wording is not.',
	},
	subscriptionDisabledAdd: {
		status: 400,
		text: () => 'Subscription is disabled. Cannot add user to disabled subscription.',
		source: PARTLY,
		behaviour: 'adduser on a disabled subscription',
		why: 'Text documented (SPEC 4.9); status not, 400 like the other request errors of that page.',
	},
	subscriptionDisabledRemove: {
		status: 400,
		text: () => 'Subscription is disabled. Cannot remove user from disabled subscription.',
		source: PARTLY,
		behaviour: 'removeuser on a disabled subscription',
		why: 'The refusal is documented (SPEC 4.7/4.10), its text is not: modelled on the documented add text.',
	},
	subscriptionProtected: {
		status: 400,
		text: () => 'Subscription is protected. Protected subscriptions cannot be disabled.',
		source: PARTLY,
		behaviour: 'disablesubscription on a protected subscription',
		why: 'The rule is documented (SPEC 4.7); the text and status are not.',
	},
	subscriptionAlreadyDisabled: {
		status: 400,
		text: () => 'Subscription is already disabled.',
		source: ASSUMED,
		behaviour: 'disablesubscription on an already disabled subscription',
		why: 'Undocumented; a refusal tells the caller that nothing changed (there is no enable operation to undo it).',
	},
	tooLong: {
		status: 400,
		text: invalidText,
		source: PARTLY,
		behaviour: 'A value over its length limit (description, names, variable value)',
		why: 'The limits are documented (SPEC 2.9), the rejection is not: reuse the invalid-parameter text.',
	},
	methodNotAllowed: {
		status: 405,
		text: () => 'HTTP method not supported: use GET.',
		headers: { Allow: 'GET' },
		source: ASSUMED,
		behaviour: 'A cmx2api route called with another method than GET',
		why: 'Only GET is documented (SPEC 2.3); whether POST works is unknown (SPEC 7.14), so clients are held to GET.',
	},
	notFound: {
		status: 404,
		text: () => 'Not Found',
		source: ASSUMED,
		behaviour: 'A path MEP does not serve (paths are case-sensitive: `/InjectMessage` only)',
		why: 'Tomcat answers 404 for unknown paths; the body is ours. The `/InjectMessage` casing is documented.',
	},
};

/** Success answers. */
export const SUCCESS = {
	xmlFraming: {
		declaration: '<?xml version="1.0" encoding="ISO-8859-1"?>',
		indent: '   ',
		source: DOCUMENTED,
		behaviour: 'XML successes',
		choice: '200, `Content-Type: text/plain`, `Server: Apache-Coyote/1.1`, chunked, ISO-8859-1 bytes, `<?xml version="1.0" encoding="ISO-8859-1"?>`, 3-space indentation, `<description/>` for empty text',
		why: 'SPEC 2.5 and the fixtures.',
	},
	removeUserNotSubscribed: {
		bytes: '<?xml version="1.0" ?>\n<users>\n</users>\n',
		source: DOCUMENTED,
		behaviour: 'removeuser of a number that is not (or no longer) a member',
		choice: 'exactly `<?xml version="1.0" ?>`, `<users>`, `</users>` (no encoding), status 200',
		why: 'SPEC 4.10, fixture subscription-removeuser-not-subscribed.xml (the 200 is inferred: listed under accepted requests).',
	},
	plainOk: {
		text: 'OK',
		source: DOCUMENTED,
		behaviour: 'disablesubscription, variableapi/set, variableapi/delete (existing)',
		choice: '200 `text/plain`, `Content-Length: 2`, `OK`',
		why: 'SPEC 4.7, 4.14, 4.15.',
	},
	variableDidNotExist: {
		status: 204,
		reason: 'No Content OK',
		text: 'Variable did not exist',
		sendBodyByDefault: true,
		/** The body follows the head after this long unless the client has already closed (see why). */
		bodyDelayMs: 1000,
		source: PARTLY,
		behaviour: 'variableapi/delete of a missing variable',
		choice: '`HTTP/1.1 204 No Content OK`, `Content-Type: text/plain`, `Content-Length: 22`, body `Variable did not exist` on the wire, then `Connection: close`; the body is written 1 s after the head unless the client closed first (`send204Body: false` / `--no-204-body` omits it)',
		why: 'Status line, headers and body documented (SPEC 4.15). Node\'s and axios\' parsers fail ("Data after Connection: close") if the body arrives with the head, but close the socket as soon as the 204 head is read, so a late body reaches only clients that wait for it (raw sockets). The delay and the close are ours.',
	},
	emptyList: {
		source: ASSUMED,
		behaviour: 'Empty list (no members, no subscriptions, no collections)',
		choice: 'the root element with no children, ISO-8859-1 declaration, e.g. `<users>\\n</users>`',
		why: 'Only removeuser\'s empty shape is documented (SPEC 7.11); this one mirrors its layout with the usual declaration.',
	},
	reAdd: {
		answersSuccess: true,
		source: ASSUMED,
		behaviour: 'adduser of a number that is already a member',
		choice: 'the normal success answer; the member keeps its original `startDate`',
		why: 'Undocumented (SPEC 7.12); an idempotent echo is the least surprising for retries.',
	},
	startDate: {
		timeZone: 'Europe/London',
		source: ASSUMED,
		behaviour: 'Member `startDate`',
		choice: '`YYYY-MM-DD HH:MM:SS` (documented format) in UK time',
		why: 'Other MEP times are UK time (SPEC 2.4); the time zone of startDate is undocumented (SPEC 7.13).',
	},
	network: {
		pattern: /^[A-Za-z0-9_]+$/,
		source: PARTLY,
		behaviour: '`network` on adduser/InjectMessage',
		choice: 'default `UNKNOWN`, never overwriting a known operator (documented); any code of letters, digits and `_` accepted, stored upper case, and remembered for the number (also when given to InjectMessage); others invalid',
		why: 'The operator list needs a MEP login (SPEC 2.7), so any well-formed code is accepted; behaviour for invalid codes is unknown (SPEC 7.5).',
	},
	broadcastAck: {
		root: 'broadcast',
		fields: (id) => ({ id }),
		source: ASSUMED,
		behaviour: 'Broadcast acknowledgement (SMS, MMS, service)',
		choice: '200 XML `<broadcast>` `<id>…</id>` `</broadcast>` with the usual framing',
		why: 'The success XML is undocumented (SPEC 7.2); provisional, an ID is what a caller needs.',
	},
	injectAck: {
		root: 'message',
		fields: (id) => ({ id }),
		source: ASSUMED,
		behaviour: 'InjectMessage acknowledgement',
		choice: '200 XML `<message>` `<id>…</id>` `</message>` with the usual framing',
		why: 'The success XML is undocumented (SPEC 7.2); provisional.',
	},
	latin1Fallback: {
		replacement: '?',
		source: ASSUMED,
		behaviour: 'Characters outside ISO-8859-1 in an answer',
		choice: 'sent as `?`',
		why: 'MEP runs on Java (Apache-Coyote), whose ISO-8859-1 encoder replaces unmappable characters with `?`.',
	},
};

/** IDs the emulator invents. */
export const IDS = {
	created: {
		length: 12,
		alphabet: '0123456789ABCDEF',
		source: ASSUMED,
		behaviour: 'New subscription, broadcast and injected-message IDs',
		choice: '12 uppercase hexadecimal characters',
		why: 'Documented example IDs are 10–12 uppercase alphanumerics (SPEC 8); the shape of real IDs is unknown.',
	},
	requestId: {
		source: ASSUMED,
		behaviour: 'Invoke Service request ID',
		choice: 'a UUID v4',
		why: 'Only "a request ID in a header" is documented (SPEC 4.1).',
	},
};

/** Input rules and limits. */
export const LIMITS = {
	msisdn: {
		min: 6,
		max: 16,
		source: PARTLY,
		behaviour: '`msisdn` (adduser, removeuser, viewusersubscriptions) and `from` (InjectMessage)',
		choice: 'digits only, no `+`, 6–16 digits; otherwise the invalid-parameter text',
		why: 'International format without `+` documented (SPEC 2.6); the 6–16 window comes from the sibling Invoke API.',
	},
	booleans: {
		source: PARTLY,
		behaviour: 'Boolean parameters (`all`, `multipart`)',
		choice: 'exactly `true` or `false`; anything else is an invalid parameter',
		why: '`all=true`/`false` documented (SPEC 4.11); other spellings are unknown.',
	},
	subscriptionName: { max: 255, source: ASSUMED, behaviour: 'createsubscription `name`', choice: 'required, ≤ 255 characters', why: 'Absent from the parameter table but in every example (SPEC 7.10); 255 like the description.' },
	subscriptionDescription: { max: 255, source: DOCUMENTED, behaviour: 'createsubscription `description`', choice: 'optional, ≤ 255 characters', why: 'SPEC 2.9.' },
	disabledCollection: {
		source: ASSUMED,
		behaviour: 'Disabled subscription collection',
		choice: 'listed, readable and usable like an enabled one',
		why: 'No documented effect of a disabled collection beyond being listed (SPEC 4.13).',
	},
	broadcastName: { max: 255, source: DOCUMENTED, behaviour: 'Broadcast `name`', choice: 'required, ≤ 255 characters', why: 'SPEC 2.9, 4.4, 4.5.' },
	broadcastSubscriptions: {
		max: 100,
		source: PARTLY,
		behaviour: 'Broadcast `subscriptions`',
		choice: 'comma-separated IDs (no spaces), each known and accessible, at most 100; recipients = distinct members of the enabled ones',
		why: 'The list and "a disabled subscription delivers nothing" are documented (SPEC 4.3–4.7); the maximum is unknown (SPEC 7.15).',
	},
	dates: {
		pattern: /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/,
		source: PARTLY,
		behaviour: '`senddate`, `pickdate`',
		choice: 'optional; `YYYY-MM-DD HH:MM:SS` with a plausible month, day and time, else invalid',
		why: 'The format is documented (SPEC 2.4); whether they are optional and what past dates do is unknown.',
	},
	sms: {
		singlePartUnits: 160,
		multipartUnits: 153,
		maxParts: 6,
		characterSupportValues: ['gsm'],
		source: PARTLY,
		behaviour: 'SMS broadcast `message`, `charactersupport`, `multipart`',
		choice: 'with `charactersupport=gsm` and no `${` in the message: GSM 03.38 characters only, 160 units (extension characters count 2) or, with `multipart=true`, 6 × 153; `charactersupport` other than `gsm` is invalid; without it no checks',
		why: 'The EL exemption is documented (SPEC 4.3); the limits are the GSM norms, MEP\'s exact checks and other values are unknown (SPEC 7.7).',
	},
	mmsContents: {
		pattern: /^https?:\/\/[^\s/]+\/\S*$/i,
		source: PARTLY,
		behaviour: 'MMS `contents`',
		choice: 'required absolute http(s) URL; never fetched',
		why: 'MEP fetches the ZIP at once (SPEC 4.4); the emulator stays offline, so only the URL shape is checked.',
	},
	variableScopes: { values: ['service', 'servicecoll'], source: DOCUMENTED, behaviour: 'Variable `scope`', choice: '`service` or `servicecoll` only', why: 'SPEC 4.14, 5.' },
	variableKey: {
		pattern: /^[A-Za-z_.-]+$/,
		source: DOCUMENTED,
		behaviour: 'Variable `key`',
		choice: 'letters, `_`, `-`, `.`; case-insensitive (stored lower case)',
		why: 'SPEC 4.14, 5 (digits are not mentioned, so they are refused).',
	},
	variableValue: { max: 255, source: DOCUMENTED, behaviour: 'Variable `value`', choice: 'required, ≤ 255 Unicode characters', why: 'Scope reference (SPEC 5); the set page says ASCII, the scope page allows Unicode.' },
	variableOwner: {
		source: ASSUMED,
		behaviour: 'Variable `id`',
		choice: 'a service (scope `service`) or service collection (`servicecoll`) the account may use, else invalid `id`',
		why: 'IDs come from the account\'s own MEP setup (SPEC 4.14); the check itself is undocumented.',
	},
	injectEncodings: {
		values: ['UTF-8', 'ISO-8859-1', 'US-ASCII'],
		source: PARTLY,
		behaviour: 'InjectMessage `encoding`',
		choice: 'optional; `UTF-8`, `ISO-8859-1` or `US-ASCII` (any case)',
		why: '`UTF-8` is the documented example; the accepted list is unknown (SPEC 7.6).',
	},
	injectVariables: {
		scopes: ['session', 'user', 'userservice'],
		source: ASSUMED,
		behaviour: 'InjectMessage variables',
		choice: 'extra parameters named `session.<key>`, `user.<key>`, `userservice.<key>` (key charset as variables) are recorded with the message',
		why: 'Setting variables through inject is documented, the parameter names are not (SPEC 7.6).',
	},
	queryNames: {
		source: ASSUMED,
		behaviour: 'Query parameter names and repeats',
		choice: 'case-sensitive names; the first of repeated parameters counts; values URL-decoded as UTF-8 (`+` = space)',
		why: 'URL-encoding is documented (SPEC 2.4); case sensitivity and the charset are not (SPEC 7.14).',
	},
};

/** Invoke Service (JSON over Basic auth). Codes and messages of 12001–12003, 1000, 1010 are documented. */
export const INVOKE = {
	requestIdHeader: {
		name: 'X-Request-Id',
		source: ASSUMED,
		behaviour: 'Invoke Service success',
		choice: '202, empty body, request ID in `X-Request-Id`',
		why: '202 and "request ID in a header" are documented (SPEC 4.1); the header name is not.',
	},
	envelope: {
		error: (code, message) => ({ code, message }),
		source: ASSUMED,
		behaviour: 'Invoke Service error body',
		choice: '`application/json` `{"code": <n>, "message": "<text>"}`',
		why: 'Codes and messages are documented, the JSON field names are not (SPEC 4.1).',
	},
	badAuth: {
		status: 401,
		code: 401,
		message: 'Authentication failed. Check the account ID and password.',
		source: ASSUMED,
		behaviour: 'Invoke Service with a wrong or missing Basic login',
		choice: '401 JSON `{"code":401,"message":"Authentication failed. Check the account ID and password."}`',
		why: 'Undocumented (SPEC 8 suggests 401 with JSON).',
	},
	notAuthorized: {
		status: 403,
		code: 12001,
		message: 'Account is not authorized to use this API. Correct your account or contact OpenMarket Support.',
		source: DOCUMENTED,
		behaviour: 'Invoke Service without the Invoke Service API role, a Service role, or access to the service collection',
		choice: '403, code 12001, documented message',
		why: 'SPEC 4.1 (Invoke response-code catalogue).',
	},
	unknownService: {
		source: ASSUMED,
		behaviour: 'Invoke Service for an unknown service ID',
		choice: 'same as not authorised (403 / 12001)',
		why: 'Undocumented; answering like an inaccessible service does not reveal which IDs exist.',
	},
	invalidJson: {
		status: 400,
		code: 12002,
		prefix: 'Invalid JSON in the payload. ',
		source: PARTLY,
		behaviour: 'Invoke Service body problems (not JSON, wrong Content-Type, missing/misspelt `endUser`/`phoneNumber` e.g. `phnNumber`, non-integer `mobileOperatorId`, unknown fields, empty or bad `variables`)',
		choice: '400, code 12002, `Invalid JSON in the payload. <condition>.`',
		why: 'Code, prefix and the listed conditions are documented (SPEC 4.1); the condition wording, and treating unknown fields and a non-JSON Content-Type as 12002, are ours.',
	},
	invalidMethod: {
		status: 405,
		code: 12003,
		message: 'Invalid HTTP method.',
		source: DOCUMENTED,
		behaviour: 'Invoke Service with a method other than POST',
		choice: '405, code 12003, `Invalid HTTP method.`',
		why: 'SPEC 2.3, 4.1.',
	},
	permanent: {
		status: 500,
		code: 1000,
		message: 'An error occurred while processing the request. Please contact OpenMarket Support.',
		source: DOCUMENTED,
		behaviour: 'Invoke Service permanent failure (fault `invoke1000`)',
		choice: '500, code 1000, documented message',
		why: 'SPEC 4.1.',
	},
	retryable: {
		status: 500,
		code: 1010,
		message: 'An error occurred while processing the request. Please retry. If retries continue to fail, contact OpenMarket Support.',
		source: DOCUMENTED,
		behaviour: 'Invoke Service retryable failure (fault `invoke1010`)',
		choice: '500, code 1010, documented message',
		why: 'SPEC 4.1.',
	},
	variables: {
		keyPattern: /^[A-Za-z0-9_.-]{1,100}$/,
		valueMax: 1000,
		source: ASSUMED,
		behaviour: 'Invoke Service `variables`',
		choice: 'an object of string values; keys `[A-Za-z0-9_.-]{1,100}`, values ≤ 1000 characters; `{}` is refused (documented)',
		why: 'Allowed characters and lengths are undocumented (SPEC 7.4); the object-map shape is inferred.',
	},
	checkOrder: {
		source: ASSUMED,
		behaviour: 'Invoke Service check order',
		choice: 'method (12003), login (401), role and service (12001), Content-Type and body (12002)',
		why: 'Undocumented; authorisation before payload keeps unauthorised callers from probing the schema.',
	},
	cie: {
		source: DOCUMENTED,
		behaviour: 'Invoke Service CIE',
		choice: 'same validation and permissions, any well-formed number, logged with `environment: "cie"`, the service never runs',
		why: 'SPEC 2.10.',
	},
	bodyLimit: {
		bytes: 1024 * 1024,
		status: 413,
		text: 'Request body too large',
		source: ASSUMED,
		behaviour: 'Invoke Service body over 1 MB',
		choice: '413 text/plain `Request body too large`',
		why: 'Undocumented; protects the emulator.',
	},
};

/** What the fault controls answer (none of this is documented: MEP's own error pages are unknown). */
export const FAULT_BODIES = {
	status500: 'An internal error occurred. Please try again later.',
	status503: 'Service Temporarily Unavailable',
	rateLimited: 'Too many requests. Slow down and try again.',
	retryAfterSeconds: 1,
	source: ASSUMED,
	behaviour: 'Injected 500/503 and rate-limit (429) answers',
	choice: 'text/plain bodies `An internal error occurred. Please try again later.`, `Service Temporarily Unavailable`, `Too many requests. Slow down and try again.`; `Retry-After: 1`',
	why: 'No rate limits or server-error pages are documented (SPEC 2.9, 7.15); these resemble Tomcat/Apache defaults.',
};

export const LOAD = {
	queueing: {
		source: ASSUMED,
		behaviour: 'A queueing MEP (rule `concurrency`, CLI `--concurrency`)',
		choice: 'serves at most C requests at a time, the rest wait in order of arrival (the rule\'s latency is the time each is served); nothing is refused, so the wait shows only as latency',
		why: 'MEP\'s capacity and its behaviour under load are undocumented (SPEC 2.9, 7.15); a fixed pool serving a FIFO queue is how a servlet container such as Tomcat (Apache-Coyote) behaves with maxThreads and acceptCount.',
	},
	https: {
		source: ASSUMED,
		behaviour: 'HTTPS (`tls`, CLI `--tls`)',
		choice: 'a self-signed EC certificate for the listening address and localhost, made at each start and never stored; clients ignore SSL issues or trust the printed certificate',
		why: 'Every MEP API is HTTPS (SPEC 1, the API families), with a CA-signed certificate; the emulator cannot have one, and a handshake per request is what a far MEP costs.',
	},
};

export const WRONG_ENCODING = {
	source: ASSUMED,
	behaviour: 'Fault `wrongEncoding`',
	choice: 'a success declared ISO-8859-1 whose bytes are UTF-8 (`Café` arrives as `CafÃ©`)',
	why: 'The likely mistake of a proxy or misconfigured server in front of MEP; a client cannot detect it.',
};

/** The whole table, in README order. */
export const ASSUMPTIONS = {
	'cmx2api rejections': REJECTIONS,
	'Success answers': SUCCESS,
	IDs: IDS,
	'Inputs and limits': LIMITS,
	'Invoke Service': INVOKE,
	Faults: { FAULT_BODIES, WRONG_ENCODING, ...LOAD },
};

function describe(entry) {
	if (entry.choice) return entry.choice;
	const text = entry.text?.('<parameter>', '<value>') ?? '';
	return `${entry.status} text/plain \`${text}\``;
}

/** One row per entry: { section, behaviour, choice, source, why }. */
export function assumptionRows() {
	const rows = [];
	for (const [section, entries] of Object.entries(ASSUMPTIONS)) {
		for (const entry of Object.values(entries)) {
			if (entry && typeof entry === 'object' && entry.source) rows.push({ section, behaviour: entry.behaviour, choice: describe(entry), source: entry.source, why: entry.why });
		}
	}
	return rows;
}

/** The README table, in Markdown. */
export function assumptionTable() {
	const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
	const lines = ['| Area | Behaviour | What the emulator does | Source | Why |', '|---|---|---|---|---|'];
	for (const row of assumptionRows()) lines.push(`| ${[row.section, row.behaviour, row.choice, row.source, row.why].map(cell).join(' | ')} |`);
	return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.stdout.write(`${assumptionTable()}\n`);
