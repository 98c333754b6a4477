import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { delayProxyGroup, delayProxyStats, serveDelayControl, setDelayProxyDelay, startDelayProxy, type DelayProxy } from '../../../local/delay-proxy';

/** The delay proxy between the local Connect worker and Kafka, on real loopback sockets. */

interface Target {
  readonly port: number;
  /** What each connection received, and when (ms) each chunk arrived. */
  readonly received: { chunks: Buffer[]; times: number[]; ended: boolean }[];
  readonly sockets: net.Socket[];
  close(): Promise<void>;
}

/** A server on loopback that records what arrives and, with `echo`, sends every chunk back at once. */
async function target(echo: boolean): Promise<Target> {
  const received: Target['received'] = [];
  const sockets: net.Socket[] = [];
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    const entry = { chunks: [] as Buffer[], times: [] as number[], ended: false };
    received.push(entry);
    sockets.push(socket);
    socket.on('data', (chunk: Buffer) => {
      entry.chunks.push(chunk);
      entry.times.push(Date.now());
      if (echo) socket.write(chunk);
    });
    socket.on('end', () => {
      entry.ended = true;
      socket.end();
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    received,
    sockets,
    close: () => new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Reads from `socket` until `bytes` arrived; resolves with them and the time the last one came. */
function readBytes(socket: net.Socket, bytes: number): Promise<{ data: Buffer; at: number }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= bytes) {
        socket.off('data', onData);
        resolve({ data: Buffer.concat(chunks), at: Date.now() });
      }
    };
    socket.on('data', onData);
  });
}

const waitFor = async (condition: () => boolean, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

let server: Target;
let proxy: DelayProxy;
const opened: net.Socket[] = [];

afterEach(async () => {
  for (const socket of opened.splice(0)) socket.destroy();
  await proxy?.close();
  await server?.close();
});

async function proxied(echo: boolean, delayMs: number): Promise<net.Socket> {
  server = await target(echo);
  proxy = await startDelayProxy({ port: 0, targetPort: server.port, delayMs });
  const socket = await connect(proxy.port);
  opened.push(socket);
  return socket;
}

describe('startDelayProxy', () => {
  it('with no delay, carries 4 MiB each way byte for byte, in order, and counts them', async () => {
    const client = await proxied(true, 0);
    const payload = randomBytes(4 * 1024 * 1024);
    const echoed = readBytes(client, payload.length);
    client.write(payload);
    expect((await echoed).data.equals(payload)).toBe(true);
    expect(Buffer.concat(server.received[0]!.chunks).equals(payload)).toBe(true);
    expect(proxy.stats()).toEqual({ delay_ms: 0, connections: 1, bytes_forwarded: 2 * payload.length });
  });

  it('adds the delay in each direction: to the target, and again on the way back', async () => {
    const client = await proxied(true, 150);
    const sentAt = Date.now();
    const echoed = readBytes(client, 5);
    client.write('hello');
    const { at } = await echoed;
    const arrivedAt = server.received[0]!.times[0]!;
    expect(arrivedAt - sentAt).toBeGreaterThanOrEqual(149);
    expect(at - arrivedAt).toBeGreaterThanOrEqual(149);
    expect(at - sentAt).toBeLessThan(2_000);
  });

  it('keeps the order when the delay is shortened while chunks wait', async () => {
    const client = await proxied(false, 300);
    client.write('first ');
    await new Promise((resolve) => setTimeout(resolve, 50));
    proxy.setDelay(0);
    client.write('second');
    await waitFor(() => Buffer.concat(server.received[0]?.chunks ?? []).length === 12);
    expect(Buffer.concat(server.received[0]!.chunks).toString()).toBe('first second');
  });

  it("passes a client's end on after its last bytes, and still carries the target's answer back (half-close)", async () => {
    const client = await proxied(true, 100);
    const echoed = readBytes(client, 3);
    client.end('bye');
    await waitFor(() => server.received[0]?.ended === true);
    expect(Buffer.concat(server.received[0]!.chunks).toString()).toBe('bye');
    expect((await echoed).data.toString()).toBe('bye');
    await waitFor(() => client.destroyed || client.readableEnded);
  });

  it("ends the client's connection when the target's side is destroyed", async () => {
    const client = await proxied(false, 0);
    const closed = new Promise((resolve) => client.once('end', resolve));
    client.resume();
    client.write('x');
    await waitFor(() => server.sockets.length === 1);
    server.sockets[0]!.destroy();
    await closed;
    client.end();
    await waitFor(() => proxy.stats().connections === 0);
  });

  it('ends the connection of a client whose target is not listening', async () => {
    server = await target(false);
    const port = server.port;
    await server.close();
    proxy = await startDelayProxy({ port: 0, targetPort: port });
    const client = await connect(proxy.port);
    opened.push(client);
    client.on('error', () => undefined);
    client.resume();
    await new Promise((resolve) => client.once('end', resolve));
  });

  it('refuses a delay that is not a whole number of milliseconds from 0 to 60000', async () => {
    server = await target(false);
    proxy = await startDelayProxy({ port: 0, targetPort: server.port });
    expect(() => proxy.setDelay(-1)).toThrow('delay_ms: must be a whole number of milliseconds from 0 to 60000 (got -1)');
    expect(() => proxy.setDelay(60_001)).toThrow('(got 60001)');
    expect(() => proxy.setDelay(1.5)).toThrow('(got 1.5)');
  });
});

describe('serveDelayControl', () => {
  it('reads and sets the delay over HTTP, and refuses a body it cannot use without changing it', async () => {
    server = await target(false);
    proxy = await startDelayProxy({ port: 0, targetPort: server.port });
    const control = await serveDelayControl(proxy, 0);
    const url = `http://127.0.0.1:${(control.address() as net.AddressInfo).port}/delay`;
    try {
      expect(await delayProxyStats(url)).toEqual({ delay_ms: 0, connections: 0, bytes_forwarded: 0 });
      expect((await setDelayProxyDelay(url, 200)).delay_ms).toBe(200);
      expect(proxy.stats().delay_ms).toBe(200);
      await expect(setDelayProxyDelay(url, -5)).rejects.toThrow('HTTP 400');
      const wrongPath = await fetch(url.replace('/delay', '/other'));
      expect(wrongPath.status).toBe(404);
      expect((await delayProxyStats(url)).delay_ms).toBe(200);
    } finally {
      await new Promise((resolve) => control.close(resolve));
    }
  });
});

describe('delayProxyGroup', () => {
  it('sets one delay on every proxy of a group (a proxy per broker) and sums their connections and bytes', async () => {
    const targets = [await target(true), await target(true)];
    const proxies = await Promise.all(targets.map((each) => startDelayProxy({ port: 0, targetPort: each.port })));
    const group = delayProxyGroup(proxies);
    const sockets: net.Socket[] = [];
    try {
      group.setDelay(30);
      expect(proxies.map((each) => each.stats().delay_ms)).toEqual([30, 30]);
      for (const each of proxies) sockets.push(await connect(each.port));
      await Promise.all(sockets.map((socket) => {
        const echoed = readBytes(socket, 4);
        socket.write('ping');
        return echoed;
      }));
      expect(group.stats()).toEqual({ delay_ms: 30, connections: 2, bytes_forwarded: 16 });
      expect(() => group.setDelay(-1)).toThrow('delay_ms: must be a whole number');
      expect(proxies.map((each) => each.stats().delay_ms)).toEqual([30, 30]);
    } finally {
      for (const socket of sockets) socket.destroy();
      await group.close();
      await Promise.all(targets.map((each) => each.close()));
    }
  });
});
