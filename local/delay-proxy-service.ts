import { startDelayProxy, serveDelayControl } from './delay-proxy';

/**
 * The local runtime's `kafka-proxy` service (local/runtime.ts starts it):
 * `node bin/run-ts local/delay-proxy-service.ts <port> <target-port> <control-port>`.
 * Runs until SIGTERM or SIGINT.
 */
async function main(): Promise<void> {
  const [port, targetPort, controlPort] = process.argv.slice(2).map(Number);
  if (![port, targetPort, controlPort].every((value) => Number.isInteger(value) && value! > 0 && value! < 65_536)) {
    throw new Error(`usage: delay-proxy-service.ts <port> <target-port> <control-port> (got ${process.argv.slice(2).join(' ')})`);
  }
  const proxy = await startDelayProxy({ port: port!, targetPort: targetPort! });
  const control = await serveDelayControl(proxy, controlPort!);
  process.stdout.write(`delay proxy on 127.0.0.1:${proxy.port} → 127.0.0.1:${targetPort}, control on http://127.0.0.1:${controlPort}/delay\n`);
  const stop = () => {
    control.close();
    void proxy.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
