import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
	INodePropertyOptions,
} from 'n8n-workflow';
import { mepGet } from '../shared/transport';
import { listElements } from '../shared/xml';

const matches = (filter: string | undefined, ...texts: unknown[]) =>
	!filter || texts.some((text) => String(text ?? '').toLowerCase().includes(filter.toLowerCase()));

const label = (element: IDataObject) => `${String(element.name || element.id)}${element.enabled === false ? ' (disabled)' : ''}`;

async function collections(context: ILoadOptionsFunctions): Promise<IDataObject[]> {
	return listElements(await mepGet.call(context, '/subscriptionapi/getsubscriptioncollections'), 'collections', 'collection');
}

/** Every subscription the user can reach, over all its collections (MEP has no single call for it). */
async function subscriptions(context: ILoadOptionsFunctions): Promise<Array<IDataObject & { collectionName: string }>> {
	const all = [];
	for (const collection of await collections(context)) {
		const text = await mepGet.call(context, '/subscriptionapi/getsubscriptionsincollection', { collection: collection.id });
		for (const subscription of listElements(text, 'subscriptions', 'subscription')) {
			all.push({ ...subscription, collectionName: String(collection.name ?? collection.id) });
		}
	}
	return all;
}

/** "From list" for collection fields: Get Collections, filtered by name or ID. */
export async function searchCollections(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const results: INodeListSearchItems[] = (await collections(this))
		.filter((c) => matches(filter, c.name, c.id))
		.map((c) => ({ name: label(c), value: String(c.id) }));
	return { results };
}

/** "From list" for subscription fields: subscriptions of every collection, filtered by name or ID. */
export async function searchSubscriptions(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const results: INodeListSearchItems[] = (await subscriptions(this))
		.filter((s) => matches(filter, s.name, s.id, s.collectionName))
		.map((s) => ({ name: `${label(s)} · ${s.collectionName}`, value: String(s.id) }));
	return { results };
}

/** Options for the multi-select of broadcast subscriptions. */
export async function getSubscriptions(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return (await subscriptions(this)).map((s) => ({ name: `${label(s)} · ${s.collectionName}`, value: String(s.id), description: String(s.id) }));
}
