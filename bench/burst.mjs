// The sign-up burst (issue 22): N people sign up at once, each submission its own execution, in a
// real n8n server: a published webhook workflow that answers at once, as a sign-up form thanks the
// person before the workflow runs, then adds the number with Add User. MEP's Add User is limited
// to BURST.perSecond, below the pace at which n8n starts these executions (the full run measures
// that pace too, on an MEP without a limit), so the account, not n8n, sets the pace, and every
// execution's requests meet every other's 429s.
// Measured per run: the submissions n8n answered; the executions it recorded and how many of them
// failed (its executions list, REST); the members MEP added and its 429s (the emulator); the
// seconds from the first submission to the end of the last execution.
import { parse } from 'flatted';
import { ownerCookie, startN8nServer, waitUntilLive } from '../e2e/harness.mjs';
import { benchMsisdn, BURST_WORKFLOWS, HTTP_REQUEST_VERSION, HTTP_RETRY_ON_FAIL } from './workflows.mjs';

/**
 * The account's limit: 5 Add User requests a second (429 with Retry-After: 1 above it), 20 ms
 * each. n8n 2.41.1 on this shared 2-core machine starts these one-item webhook executions at 8–17
 * a second (measured: the row `burstUnlimited`; n8n answers each submission as its execution
 * starts), so 5/s stays below n8n's pace even on a slow day, as the demo's MEP of issue 22 did; 20
 * or the issue's 50 would be at or above it here, and n8n, not MEP, would set the pace. 1,000
 * sign-ups need 200 s of MEP: less than the node's default Timeout (300 s), which bounds how long
 * a sign-up may wait for its turn.
 *
 * `connections`: the submissions are all sent at once, over at most this many connections at a
 * time (the next goes as one is answered), as a CRM's webhooks or a crowd of form users arrive
 * faster than n8n takes them. n8n holds about 10–15 MB per submission it has not yet answered: 1,000
 * open at once took its main process to 10.7 GB (once, on this 24 GB machine that other work
 * shares), 100 to 2 GB; n8n starts executions at its own pace either way.
 */
export const BURST = { route: '/subscriptionapi/adduser', perSecond: 5, latencyMs: 20, connections: 100 };

/** The rows, in table order. `limited`: MEP at BURST.perSecond (else only its latency); `keepsEveryMember`: losing or doubling one fails the bench. */
export const BURST_ROWS = {
	burstMep: { workflow: 'mep', limited: true, keepsEveryMember: true, label: 'OpenMarket MEP, default settings' },
	burstHttpRequest: {
		workflow: 'httpRequest',
		limited: true,
		keepsEveryMember: false, // what it loses is the finding
		label: `HTTP Request node ${HTTP_REQUEST_VERSION}, Retry On Fail (Max Tries ${HTTP_RETRY_ON_FAIL.maxTries}, Wait Between Tries ${HTTP_RETRY_ON_FAIL.waitBetweenTries.toLocaleString('en-GB')} ms)`,
	},
	// A reference, measured in the first round only: it shows that MEP's limit is below n8n's pace.
	burstUnlimited: { workflow: 'mep', limited: false, keepsEveryMember: true, firstRoundOnly: true, label: "n8n's own pace: OpenMarket MEP, default settings, MEP without a limit" },
};
export const BURST_ROW_KEYS = Object.keys(BURST_ROWS);

export const burstFaults = (key) => [{ route: BURST.route, latencyMs: BURST.latencyMs, ...(BURST_ROWS[key].limited ? { rateLimit: { perSecond: BURST.perSecond } } : {}) }];

const median = (values) => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const FINISHED = ['success', 'error', 'crashed', 'canceled', 'unknown'];
const UNFINISHED = ['new', 'running', 'waiting'];
const POLL_MS = 2000;

/** One submission: POST { phone } to the webhook; answers its HTTP status, or the network error's code. */
async function submit(url, phone) {
	try {
		const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ phone }), signal: AbortSignal.timeout(300_000) });
		await response.arrayBuffer();
		return response.status;
	} catch (error) {
		return error.cause?.code ?? error.name;
	}
}

/** n8n's executions list (GET /rest/executions) of one workflow: `filter` added; one page, or every page with `all`. */
async function listExecutions(baseUrl, cookie, filter, { all = false } = {}) {
	const results = [];
	let cursor;
	let count;
	do {
		const query = new URLSearchParams({ filter: JSON.stringify(filter), limit: all ? '100' : '1', ...(cursor ? { cursor } : {}) });
		const response = await fetch(`${baseUrl}/rest/executions?${query}`, { headers: { cookie }, signal: AbortSignal.timeout(60_000) });
		if (!response.ok) throw new Error(`n8n's executions list: ${response.status} ${await response.text()}`);
		const { data } = await response.json();
		results.push(...data.results);
		count = data.count;
		cursor = data.nextCursor;
	} while (all && cursor);
	return { count, results };
}

/** Why an execution failed: its error's message, from its run data (flatted, as n8n stores it). */
async function failure(baseUrl, cookie, id) {
	try {
		const response = await fetch(`${baseUrl}/rest/executions/${id}`, { headers: { cookie }, signal: AbortSignal.timeout(60_000) });
		const { data } = await response.json();
		const run = typeof data.data === 'string' ? parse(data.data) : data.data;
		const error = run.resultData.error ?? {};
		return [error.message, error.description].filter(Boolean).join(': ').slice(0, 300);
	} catch (error) {
		return `(not read: ${error.message})`;
	}
}

/**
 * One run of one row: a fresh n8n server (nothing learned by an earlier run carries over), N
 * submissions at once with distinct numbers, then wait until n8n has finished an execution for
 * each one it accepted. Answers the run's figures with the emulator's.
 */
export async function runBurst(key, n, { env, emulator, watchPeakRss, log, timeoutMs = 900_000 }) {
	const row = BURST_ROWS[key];
	const { id, path } = BURST_WORKFLOWS[row.workflow];
	// JSON log lines: the node's summary line of each run (README › Bulk work) with its figures.
	const server = await startN8nServer({ ...env, N8N_LOG_FORMAT: 'json' });
	try {
		const url = `${server.url}/webhook/${path}`;
		await waitUntilLive(url);
		const cookie = await ownerCookie(server.url);
		await emulator.prepare(burstFaults(key));
		const watch = watchPeakRss(server.child);
		const started = Date.now();
		const answers = new Array(n);
		let next = 0;
		const connection = async () => {
			while (next < n) {
				const i = next++;
				answers[i] = await submit(url, benchMsisdn(i));
			}
		};
		await Promise.all(Array.from({ length: Math.min(n, BURST.connections) }, connection));
		const submittedMs = Date.now() - started;
		const answered = answers.filter((status) => status === 200).length;
		// Executions of this run: those started since its first submission (earlier runs' ended before this server started).
		const since = { workflowId: id, startedAfter: new Date(started - 1000).toISOString() };
		const deadline = started + timeoutMs;
		let finished = 0;
		let unfinished = 0;
		for (;;) {
			[finished, unfinished] = await Promise.all([
				listExecutions(server.url, cookie, { ...since, status: FINISHED }).then((page) => page.count),
				listExecutions(server.url, cookie, { workflowId: id, status: UNFINISHED }).then((page) => page.count),
			]);
			if (finished >= answered && unfinished === 0) break;
			if (Date.now() > deadline) throw new Error(`sign-up burst, ${key}: after ${timeoutMs / 1000} s n8n had finished ${finished} executions of ${answered} submissions (${unfinished} still running)`);
			await new Promise((resolve) => setTimeout(resolve, POLL_MS));
		}
		const { results } = await listExecutions(server.url, cookie, { ...since, status: FINISHED }, { all: true });
		const failed = results.filter((execution) => execution.status !== 'success');
		const lastEnd = Math.max(...results.map((execution) => Date.parse(execution.stoppedAt)));
		const outcome = await emulator.outcome();
		const waits = summaries(server.log.text).map((line) => line.waitedSeconds).filter((seconds) => seconds !== undefined);
		const result = {
			submitted: n,
			answered,
			refused: [...new Set(answers.filter((status) => status !== 200))],
			submittedMs,
			executions: results.length,
			failedExecutions: failed.length,
			ms: lastEnd - started,
			peakRssBytes: watch.peakBytes,
			firstFailure: failed.length ? await failure(server.url, cookie, failed[0].id) : undefined,
			// The OpenMarket MEP node's runs: how long each one's item waited for its turn in the account's pace.
			waitMedianSeconds: waits.length ? median(waits) : undefined,
			waitLongestSeconds: waits.length ? Math.max(...waits) : undefined,
			...outcome,
		};
		log(
			`  ${result.members} of ${n} members added, ${result.failedExecutions} of ${result.executions} executions failed, ${result.rateLimited} × 429 of ${result.requests} requests, ${(result.ms / 1000).toFixed(1)} s (submissions answered in ${(submittedMs / 1000).toFixed(1)} s)${waits.length ? `, waits for the account's pace: median ${result.waitMedianSeconds.toFixed(1)} s, longest ${result.waitLongestSeconds.toFixed(1)} s` : ''}${result.firstFailure ? `; a failed execution: ${result.firstFailure}` : ''}`,
		);
		return result;
	} finally {
		await server.stop();
	}
}

/** The node's summary lines in n8n's JSON log: their figures (waitedSeconds since issue 22). */
function summaries(logText) {
	return logText
		.split('\n')
		.filter((line) => line.includes('OpenMarket MEP') && line.includes('requests in flight'))
		.flatMap((line) => {
			try {
				return [JSON.parse(line).metadata ?? {}];
			} catch {
				return [];
			}
		});
}

/**
 * What a run got wrong. `fatal`: the burst did not happen as designed (a submission refused, an
 * execution missing), for every row. `lost`: for the rows that must keep every member, a member
 * lost or doubled or an execution failed; the HTTP Request node's losses are its figures.
 */
export function burstProblems(key, n, result) {
	const fatal = [];
	if (result.answered !== n) fatal.push(`${n - result.answered} of ${n} submissions not answered 200 (${result.refused.join(', ')})`);
	if (result.executions !== result.answered) fatal.push(`${result.executions} executions for ${result.answered} submissions`);
	const lost = [];
	if (BURST_ROWS[key].keepsEveryMember) {
		const acted = result.requests - result.rateLimited;
		if (result.members !== n) lost.push(`${result.members} of ${n} members added`);
		if (acted !== n) lost.push(`${acted} requests MEP acted on for ${n} numbers`);
		if (result.failedExecutions) lost.push(`${result.failedExecutions} failed executions`);
	}
	return { fatal, lost };
}

/** A row of the burst's table from its runs. */
export function burstRow(key, n, runs) {
	return {
		row: BURST_ROWS[key].label,
		key,
		limited: BURST_ROWS[key].limited,
		members: runs.map((r) => r.members),
		failedExecutions: runs.map((r) => r.failedExecutions),
		rateLimitedShares: runs.map((r) => r.rateLimited / r.requests),
		rateLimitedShare: median(runs.map((r) => r.rateLimited / r.requests)),
		requests: runs.map((r) => r.requests),
		seconds: runs.map((r) => r.ms / 1000),
		secondsMedian: median(runs.map((r) => r.ms / 1000)),
		submittedSecondsMedian: median(runs.map((r) => r.submittedMs / 1000)),
		executionsPerSecondMedian: median(runs.map((r) => (n / r.ms) * 1000)),
		peakInFlight: Math.max(...runs.map((r) => r.peakInFlight)),
		peakRssMiB: Math.round(Math.max(...runs.map((r) => r.peakRssBytes)) / 1024 / 1024),
		firstFailure: runs.map((r) => r.firstFailure).find(Boolean),
		waitMedianSeconds: runs.every((r) => r.waitMedianSeconds !== undefined) ? median(runs.map((r) => r.waitMedianSeconds)) : undefined,
		waitLongestSeconds: runs.every((r) => r.waitLongestSeconds !== undefined) ? Math.max(...runs.map((r) => r.waitLongestSeconds)) : undefined,
	};
}

export const burstTitle = () =>
	`a sign-up burst: one execution per submission, all submitted at once (over ${BURST.connections} connections) to a published webhook workflow that answers as its execution starts, as a form does; MEP's Add User limited to ${BURST.perSecond}/s (429 above it, Retry-After: 1), ${BURST.latencyMs} ms`;

export function printBurstTable(table, { fmt, pct }) {
	const { n, rows } = table;
	console.log(`### N = ${fmt(n)} submissions, ${burstTitle()}\n`);
	console.log(
		`MEP needs ${fmt(n / BURST.perSecond)} s for ${fmt(n)} numbers at ${BURST.perSecond}/s. Every submission was answered 200. Members added and failed executions: per run (the emulator's subscription; n8n's executions list). Seconds: from the first submission to the end of the last execution (n8n's executions list). Executions/s: N ÷ those seconds. Submissions answered in: until n8n had answered the last one, i.e. started its execution. Wait: from the node's summary line of each run in n8n's log (per run, the median over its sign-ups; the longest of all).\n`,
	);
	console.log("| Row | Members added | Failed executions | 429s (median) | Requests | Seconds (median) | Executions/s (median) | Submissions answered in (s, median) | A sign-up's wait for the account's pace: median / longest (s) | In flight at MEP (peak) | Peak RSS (MiB) |");
	console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
	rows.forEach((r, i) =>
		console.log(
			`| ${i + 1}. ${r.row} | ${r.members.map((m) => fmt(m)).join(', ')} of ${fmt(n)} | ${r.failedExecutions.map((f) => fmt(f)).join(', ')} | ${pct(r.rateLimitedShare)} | ${r.requests.map((q) => fmt(q)).join(', ')} | ${fmt(r.secondsMedian, 1)} | ${fmt(r.executionsPerSecondMedian, 1)} | ${fmt(r.submittedSecondsMedian, 1)} | ${r.waitMedianSeconds === undefined ? '–' : `${fmt(r.waitMedianSeconds, 1)} / ${fmt(r.waitLongestSeconds, 1)}`} | ${r.peakInFlight} | ${r.peakRssMiB} |`,
		),
	);
	const own = rows.find((r) => !r.limited);
	if (own) {
		const below = own.executionsPerSecondMedian > BURST.perSecond;
		console.log(`\nn8n's own pace (row ${rows.indexOf(own) + 1}, MEP without a limit): ${fmt(own.executionsPerSecondMedian, 1)} executions/s, so MEP's ${BURST.perSecond}/s is ${below ? 'below it: MEP sets the pace' : '**not** below it: n8n, not MEP, set the pace in this run'}.`);
	}
	const failing = rows.filter((r) => r.firstFailure);
	if (failing.length) console.log(`\n${failing.map((r) => `A failed execution of ${r.row}: "${r.firstFailure}"`).join('\n')}`);
	console.log('');
}

/** The burst's target line (issue 22): every member added, no failed execution, 429s ≤ 5%, for the OpenMarket MEP row on the limited MEP. */
export function burstTarget(table, { fmt, pct }) {
	const r = table.rows.find((row) => row.key === 'burstMep');
	if (!r) return undefined;
	const http = table.rows.find((row) => row.key === 'burstHttpRequest');
	const everyMember = r.members.every((m) => m === table.n);
	const noFailure = r.failedExecutions.every((f) => f === 0);
	return {
		what: `Sign-up burst, ${fmt(table.n)} submissions at once, MEP at ${BURST.perSecond} Add User/s: every member added, no failed execution, 429s ≤ 5% of requests`,
		figure: `${r.members.map((m) => fmt(m)).join(', ')} of ${fmt(table.n)} members; ${r.failedExecutions.map((f) => fmt(f)).join(', ')} failed; ${pct(r.rateLimitedShare)} 429s; ${fmt(r.secondsMedian, 1)} s (MEP needs ${fmt(table.n / BURST.perSecond)} s)${http ? `. HTTP Request node with Retry On Fail: ${http.members.map((m) => fmt(m)).join(', ')} members, ${pct(http.rateLimitedShare)} 429s` : ''}`,
		met: everyMember && noFailure && r.rateLimitedShare <= 0.05,
	};
}
