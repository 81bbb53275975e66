/** The MEP roles each operation needs (SPEC 2.8), named as MEP's user administration names them. */
export const MEP_ROLES: Record<string, string> = {
	subscription:
		'the Subscriptions Manager or Subscriptions User role, "HTTP Subscription API user", "View and download user details" and access to the subscription\'s collection',
	broadcast:
		'the Broadcasts: User role, the broadcast type under Broadcasts – Broadcast Types and, for SMS and MMS, access to the gateway account under System – Accounts',
	variable: 'a MEP account only (no extra role), and the service or service collection must belong to it',
	message:
		'a Routing Manager, User or Viewer role, "HTTP Inject API user" and access to the inject routing code',
	service:
		'a Service Manager, User or Viewer role, the "Invoke Service API" role and access to the service collection that holds the service',
};
