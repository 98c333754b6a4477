import * as net from 'node:net';

/**
 * How long a Kafka request takes to come back from a port: an ApiVersions request (key 18, version 0,
 * no body) sent over one connection, one at a time, and its whole response read. Measured on the
 * broker's own listener and through the delay proxy, the difference is the delay the proxy adds, as
 * observed rather than as configured.
 */

const API_VERSIONS = 18;

function apiVersionsRequest(correlationId: number): Buffer {
  const clientId = Buffer.from('cdcctl-round-trip');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
  body.writeInt16BE(API_VERSIONS, 0);
  body.writeInt16BE(0, 2);
  body.writeInt32BE(correlationId, 4);
  body.writeInt16BE(clientId.length, 8);
  clientId.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

/** The median of `samples` request round trips to 127.0.0.1:`port`, in milliseconds. */
export async function kafkaRoundTripMs(port: number, samples = 5): Promise<number> {
  const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
  socket.setTimeout(30_000);
  let received = Buffer.alloc(0);
  let waiting: ((error?: Error) => void) | undefined;
  const fail = (error: Error) => waiting?.(error);
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    if (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) {
      received = received.subarray(4 + received.readInt32BE(0));
      waiting?.();
    }
  });
  socket.on('error', fail);
  socket.on('timeout', () => fail(new Error(`no Kafka response from 127.0.0.1:${port} within 30 s`)));
  socket.on('close', () => fail(new Error(`127.0.0.1:${port} closed the connection`)));
  try {
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const times: number[] = [];
    for (let sample = 0; sample < samples; sample++) {
      const started = process.hrtime.bigint();
      await new Promise<void>((resolve, reject) => {
        waiting = (error) => (error ? reject(error) : resolve());
        socket.write(apiVersionsRequest(sample + 1));
      });
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  } finally {
    waiting = undefined;
    socket.destroy();
  }
}
