import { delayProxyGroup, serveDelayControl, startDelayProxy } from './delay-proxy';

/**
 * The local runtime's `kafka-proxy` service (local/runtime.ts starts it):
 * `node bin/run-ts local/delay-proxy-service.ts <control-port> <port>:<target-port>…`, a proxy per
 * broker (`<port>` forwarding to its `CONNECT` listener `<target-port>`), one control endpoint setting
 * the delay of all. Runs until SIGTERM or SIGINT.
 */
const USAGE = 'usage: delay-proxy-service.ts <control-port> <port>:<target-port>…';

const isPort = (value: number) => Number.isInteger(value) && value > 0 && value < 65_536;

function parseArguments(args: readonly string[]): { controlPort: number; routes: { port: number; targetPort: number }[] } {
  const [control, ...pairs] = args;
  const controlPort = Number(control);
  const routes = pairs.map((pair) => {
    const [port, targetPort] = pair.split(':').map(Number);
    return { port: port!, targetPort: targetPort! };
  });
  if (!isPort(controlPort) || routes.length === 0 || !routes.every((route) => isPort(route.port) && isPort(route.targetPort))) {
    throw new Error(`${USAGE} (got ${args.join(' ')})`);
  }
  return { controlPort, routes };
}

async function main(): Promise<void> {
  const { controlPort, routes } = parseArguments(process.argv.slice(2));
  const proxies = await Promise.all(routes.map((route) => startDelayProxy(route)));
  const group = delayProxyGroup(proxies);
  const control = await serveDelayControl(group, controlPort);
  const described = routes.map((route) => `127.0.0.1:${route.port} → 127.0.0.1:${route.targetPort}`).join(', ');
  process.stdout.write(`delay proxy on ${described}, control on http://127.0.0.1:${controlPort}/delay\n`);
  const stop = () => {
    control.close();
    void group.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
