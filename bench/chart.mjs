// The benchmark's chart: items per second (median) against MEP's distance, one line per row, as
// an SVG file (no dependencies; BENCHMARKS.md shows the one committed in docs/).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// The rows inside n8n; the plain client outside it (several thousand a second) would flatten them, so it stays in the tables.
const COLOURS = { mepDefault: '#d9480f', mepBulk: '#f08c00', mepFixed100: '#1971c2', mepFixed200: '#5f3dc4', httpRequest: '#2b8a3e' };
const SHORT = {
	mepDefault: 'OpenMarket MEP, default (adapts)',
	mepBulk: 'OpenMarket MEP, bulk settings',
	mepFixed100: 'OpenMarket MEP, fixed 100',
	mepFixed200: 'OpenMarket MEP, fixed 200',
	httpRequest: 'HTTP Request node',
};

const escape = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * Writes the chart of `report` (bench/run.mjs) to `file`: the latency scenarios (and the WAN-like
 * one) along the x axis, evenly spaced. Answers false, writing nothing, when there are fewer than two.
 */
export function writeChart(report, file) {
	const columns = report.tables.filter((t) => t.kind === 'latency' || t.kind === 'wan');
	if (columns.length < 2) return false;
	const keys = Object.keys(SHORT).filter((key) => columns.some((t) => t.rows.some((r) => r.key === key)));
	const top = Math.max(...columns.flatMap((t) => t.rows.map((r) => r.itemsPerSecondMedian)));
	const step = top > 4000 ? 1000 : top > 1500 ? 500 : top > 600 ? 200 : 100;
	const yMax = Math.ceil(top / step) * step;
	const [width, height, left, right, upper, lower] = [760, 420, 70, 250, 40, 70];
	const x = (i) => left + ((width - left - right) * (i + 0.5)) / columns.length;
	const y = (value) => upper + (height - upper - lower) * (1 - value / yMax);
	const svg = [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
		`<rect width="${width}" height="${height}" fill="#ffffff"/>`,
		`<text x="${left}" y="22" font-size="14" font-weight="bold">Add User: items per second (median) against MEP's distance</text>`,
	];
	for (let value = 0; value <= yMax; value += step) {
		svg.push(`<line x1="${left}" y1="${y(value)}" x2="${width - right}" y2="${y(value)}" stroke="#e9ecef"/>`);
		svg.push(`<text x="${left - 8}" y="${y(value) + 4}" text-anchor="end" fill="#495057">${value.toLocaleString('en-GB')}</text>`);
	}
	columns.forEach((t, i) => {
		const name = t.kind === 'wan' ? ['WAN-like: HTTPS,', '50 ms each way'] : [`${t.latency} ms`, `N = ${t.n.toLocaleString('en-GB')}`];
		svg.push(`<text x="${x(i)}" y="${height - lower + 20}" text-anchor="middle">${escape(name[0])}</text>`);
		svg.push(`<text x="${x(i)}" y="${height - lower + 36}" text-anchor="middle" fill="#495057">${escape(name[1])}</text>`);
	});
	svg.push(`<text x="${(left + width - right) / 2}" y="${height - 12}" text-anchor="middle" fill="#495057">emulator latency per answer (n8n 2.41.1, 2 cores; ${escape(`${report.repeats} interleaved round(s)`)})</text>`);
	keys.forEach((key, k) => {
		const points = columns.map((t, i) => [i, t.rows.find((r) => r.key === key)?.itemsPerSecondMedian]).filter(([, value]) => value !== undefined);
		const colour = COLOURS[key];
		svg.push(`<polyline fill="none" stroke="${colour}" stroke-width="${key === 'mepDefault' ? 3 : 2}" points="${points.map(([i, value]) => `${x(i)},${y(value)}`).join(' ')}"/>`);
		for (const [i, value] of points) svg.push(`<circle cx="${x(i)}" cy="${y(value)}" r="4" fill="${colour}"><title>${escape(`${SHORT[key]}: ${Math.round(value)} items/s`)}</title></circle>`);
		const legendY = upper + 10 + k * 22;
		svg.push(`<line x1="${width - right + 16}" y1="${legendY}" x2="${width - right + 40}" y2="${legendY}" stroke="${colour}" stroke-width="3"/>`);
		svg.push(`<text x="${width - right + 46}" y="${legendY + 4}">${escape(SHORT[key])}</text>`);
	});
	svg.push('</svg>', '');
	mkdirSync(path.dirname(file), { recursive: true });
	writeFileSync(file, svg.join('\n'));
	return true;
}
