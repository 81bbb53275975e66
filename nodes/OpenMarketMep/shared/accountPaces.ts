import { monotonicNow } from './clock';
import { AccountPace, PACING } from './pace';
import type { RunBounds, RunPaceSummary, RunQueue } from './pace';

/**
 * The MEP account paces of this n8n process, one per account: every run of the action node and
 * every poll of the trigger that sends to an account takes its permits from the same pace.
 *
 * This module's state must exist once per process. scripts/bundle.mjs therefore bundles it on its
 * own (dist/nodes/OpenMarketMep/shared/accountPaces.js) and both nodes require that file by a
 * relative path, instead of each node's bundle carrying its own copy.
 */

/** A pace nothing has used for this long is forgotten: a long-running n8n does not grow with the accounts it has sent to. */
export const IDLE_MS = 10 * 60_000;

const paces = new Map<string, AccountPace>();

/**
 * An account is the API's base URL and the MEP username: two credentials of one account share
 * one pace, two accounts never do (the same username on two MEP hosts is two accounts). Invoke
 * Service's host is its own account. The URL as parsed, so that the host's case, a default port
 * or a trailing slash make no second pace. No password.
 */
export function accountKey(baseUrl: string, username: string): string {
	let base = baseUrl.trim();
	try {
		const url = new URL(base);
		base = `${url.protocol}//${url.host}${url.pathname}`;
	} catch {
		// Not a URL: the request will say so; the text keys the pace meanwhile.
	}
	return `${base.replace(/\/+$/, '')} ${username}`;
}

/** A run (or a poll) joins the account's pace, which is made on first use. `now`: the pace's monotonic clock (clock.ts). */
export function joinAccountPace(key: string, bounds: RunBounds, now = monotonicNow()): RunQueue {
	for (const [other, pace] of paces) if (pace.isIdle(now, IDLE_MS)) paces.delete(other);
	let pace = paces.get(key);
	if (!pace) {
		pace = new AccountPace(key);
		paces.set(key, pace);
	}
	return pace.join(bounds);
}

/** How many account paces this process holds now (for tests). */
export function accountPaceCount(): number {
	return paces.size;
}

/** The account paces one run sends to (one, unless its items go to several base URLs): joined on first use, left together. */
export class RunPaces {
	private readonly joined = new Map<string, RunQueue>();

	constructor(private readonly bounds: RunBounds) {}

	for(key: string): RunQueue {
		let pace = this.joined.get(key);
		if (!pace) {
			pace = joinAccountPace(key, this.bounds);
			this.joined.set(key, pace);
		}
		return pace;
	}

	/** How many of the run's requests may be in flight now: its first account's, or where a run starts. */
	get current(): number {
		const first = this.joined.values().next().value;
		return first ? first.current : this.bounds.adaptive ? Math.min(this.bounds.ceiling, PACING.startLimit) : this.bounds.ceiling;
	}

	/** The run is over. */
	leave(): void {
		for (const pace of this.joined.values()) pace.leave();
	}

	/** The first account's pace as the run saw it (a run that sent nothing: where it would have started). */
	summary(): RunPaceSummary {
		const first = this.joined.values().next().value;
		if (first) return first.summary();
		const { adaptive, ceiling } = this.bounds;
		const limit = this.current;
		return { adaptive, ceiling, started: limit, peak: limit, ended: limit, runs: 1, waits: 0, waitedMs: 0, longestWaitMs: 0 };
	}
}
