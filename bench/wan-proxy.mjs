// An MEP far away, for the benchmark: a TCP proxy on 127.0.0.1 that holds every chunk it passes
// on for a fixed time, each way (and the end of each side too), so that each round trip over it
// costs twice that: TLS handshakes included, as over the internet. Runs in its own process;
// prints "listening on <port>" once ready.
// Usage: node bench/wan-proxy.mjs --target-port 8099 [--delay 50] [--port 0]
import net from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { 'target-port': { type: 'string' }, delay: { type: 'string', default: '50' }, port: { type: 'string', default: '0' } } });
const delayMs = Number(values.delay);
const targetPort = Number(values['target-port']);

/**
 * Passes what `from` sends on to `to`, each chunk and its end `delayMs` later, in order (timers of
 * one length fire in order). A side that breaks off without ending breaks the other off too.
 */
function delayed(from, to) {
	let ended = false;
	from.on('data', (chunk) => setTimeout(() => to.destroyed || to.write(chunk), delayMs));
	from.on('end', () => {
		ended = true;
		setTimeout(() => to.destroyed || to.end(), delayMs);
	});
	from.on('error', () => {});
	from.on('close', () => ended || setTimeout(() => to.destroy(), delayMs));
}

const server = net.createServer((client) => {
	client.setNoDelay(true);
	const upstream = net.connect({ port: targetPort, host: '127.0.0.1', noDelay: true });
	delayed(client, upstream);
	delayed(upstream, client);
});
server.listen(Number(values.port), '127.0.0.1', () => process.stdout.write(`listening on ${server.address().port}\n`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
