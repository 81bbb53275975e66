import type { IDataObject } from 'n8n-workflow';
import type { MepAnswer, MepRequest } from './operation';
import { acknowledgement as acknowledgementElement, listElements, MepFormatError } from './xml';

/** How MEP's answers become output items; each operation's declaration names one of these. */

/** A list: as it was read while it arrived (Get Users, Get Many), else from the whole answer. */
export const users = ({ text, elements }: MepAnswer) => elements ?? listElements(text, 'users', 'user');
export const subscriptions = ({ text, elements }: MepAnswer) => elements ?? listElements(text, 'subscriptions', 'subscription');
export const collections = ({ text }: MepAnswer) => listElements(text, 'collections', 'collection');

/** adduser echoes the one number it added; createsubscription the one subscription (SPEC 4.6, 4.9). */
export function exactlyOne(mapper: (answer: MepAnswer) => IDataObject[], what: string) {
	return (answer: MepAnswer) => {
		const results = mapper(answer);
		if (results.length !== 1) throw new MepFormatError(`MEP accepted the request but answered ${results.length} ${what} instead of 1`);
		return results;
	};
}

/** Plain `OK` (disablesubscription, variableapi/set; SPEC 4.7, 4.14). */
export function ok({ text }: MepAnswer): IDataObject[] {
	if (text.trim() !== 'OK') throw new MepFormatError(`expected "OK", got "${text.slice(0, 80)}"`);
	return [{ success: true }];
}

/** variableapi/delete: OK when it existed, 204 when it did not; decided by status, as clients drop 204 bodies. */
export function deleted(answer: MepAnswer): IDataObject[] {
	if (answer.statusCode === 204) return [{ deleted: false }];
	ok(answer);
	return [{ deleted: true }];
}

/** adduser's member, with the number's country beside its msisdn (read when the number was). */
export function addedUser(answer: MepAnswer, request: MepRequest): IDataObject[] {
	return exactlyOne(users, 'users')(answer).map((user) => withCountry(user, request));
}

/** removeuser: the removed member, or the empty answer for a number that was not in it (SPEC 4.10). */
export function removedUser(answer: MepAnswer, request: MepRequest): IDataObject[] {
	const removed = users(answer);
	if (removed.length > 1) throw new MepFormatError(`MEP answered ${removed.length} users instead of 0 or 1`);
	if (removed.length === 1) return [{ ...withCountry(removed[0], request), removed: true }];
	return [withCountry({ msisdn: request.qs.msisdn, removed: false }, request)];
}

/** viewusersubscriptions: the number's subscriptions, each saying whose (msisdn and country). */
export function userSubscriptions(answer: MepAnswer, request: MepRequest): IDataObject[] {
	return subscriptions(answer).map((subscription) => ({ ...subscription, msisdn: request.qs.msisdn, country: request.msisdnCountry ?? null }));
}

/** The item with `country` right after `msisdn`. */
function withCountry(item: IDataObject, request: MepRequest): IDataObject {
	const { msisdn, ...rest } = item;
	return { msisdn, country: request.msisdnCountry ?? null, ...rest };
}

/** Broadcast and inject acknowledgements: XML whose layout OpenMarket has not published. */
export const acknowledgement = ({ text }: MepAnswer) => [acknowledgementElement(text)];
