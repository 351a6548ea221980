/**
 * Hostile clients must not degrade the scrape: idle and partial connections are closed, connections per
 * source are bounded, wrong passwords cannot evict the scraper's cached login or queue ahead of it, and
 * /metrics is rendered once for concurrent scrapes (gzip when asked).
 */
import { connect, type Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { request } from 'node:http';
import { Gauge, Registry } from 'prom-client';
import { BasicAuthenticator, FailureLimiter } from '../../src/http/basic-auth.js';
import { BcryptThread } from '../../src/http/bcrypt.js';
import { startEndpoint, type Endpoint } from '../../src/http/server.js';
import { hashPassword } from '../../src/http/web-config.js';

function registry(onCollect: () => void = () => undefined): Registry {
  const r = new Registry();
  new Gauge({ name: 'kansa_test_value', help: 'test', registers: [r], collect() { onCollect(); this.set(1); } });
  return r;
}

/** A connection to the endpoint, watched for its close from the moment it connects (a close before anyone waits is kept). */
interface Watched {
  readonly socket: Socket;
  /** Resolves when the server closes the socket, or rejects after `withinMs` (generous on a loaded machine). */
  closedWithin(withinMs: number): Promise<'closed'>;
}

function open(endpoint: Endpoint): Promise<Watched> {
  const { port } = new URL(endpoint.url);
  return new Promise((resolve, reject) => {
    let closed = false;
    const socket = connect(Number(port), '127.0.0.1', () =>
      resolve({
        socket,
        closedWithin: (withinMs) =>
          closed
            ? Promise.resolve('closed')
            : new Promise((done, fail) => {
                const timer = setTimeout(() => fail(new Error(`still open after ${withinMs} ms`)), withinMs);
                socket.once('close', () => {
                  clearTimeout(timer);
                  done('closed');
                });
              }),
      }),
    );
    // Registered before the connection exists: on a loaded machine the server may close it before the test looks.
    socket.once('close', () => (closed = true));
    // Read whatever the server answers (a 408 when its header timeout fires before the idle one): a paused socket
    // with unread data never sees the server's FIN, so it would look open however promptly the server closed it.
    socket.resume();
    socket.on('error', reject);
  });
}

function fetchRaw(endpoint: Endpoint, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${endpoint.url}/metrics`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('connections', () => {
  it('closes a connection that sends nothing and one that sends half a request line', async () => {
    const endpoint = await startEndpoint({
      host: '127.0.0.1', port: 0, registry: registry(), ready: () => true, onError: () => undefined,
      limits: { idleTimeoutMs: 400, headersTimeoutMs: 400, requestTimeoutMs: 800, checkIntervalMs: 100 },
    });
    try {
      const silent = await open(endpoint);
      const partial = await open(endpoint);
      partial.socket.write('GET /metr');
      await expect(Promise.all([silent.closedWithin(10_000), partial.closedWithin(10_000)])).resolves.toEqual(['closed', 'closed']);
    } finally {
      await endpoint.close();
    }
  });

  it('bounds the connections one source may hold open', async () => {
    // Idle connections are kept for a minute here, so only the per-source bound can close the fifth.
    const endpoint = await startEndpoint({
      host: '127.0.0.1', port: 0, registry: registry(), ready: () => true, onError: () => undefined,
      limits: { idleTimeoutMs: 60_000, headersTimeoutMs: 60_000, requestTimeoutMs: 60_000, maxConnectionsPerSource: 4 },
    });
    const held: Watched[] = [];
    try {
      for (let i = 0; i < 4; i++) held.push(await open(endpoint));
      const extra = await open(endpoint);
      await expect(extra.closedWithin(10_000)).resolves.toBe('closed');
      expect(held.map((c) => c.socket.destroyed)).toEqual([false, false, false, false]);
    } finally {
      for (const c of held) c.socket.destroy();
      await endpoint.close();
    }
  });
});

describe('/metrics rendering', () => {
  it('renders once for concurrent scrapes and serves gzip when asked', async () => {
    let renders = 0;
    const endpoint = await startEndpoint({ host: '127.0.0.1', port: 0, registry: registry(() => renders++), ready: () => true, onError: () => undefined });
    try {
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => fetchRaw(endpoint, i % 2 === 0 ? { 'accept-encoding': 'gzip' } : {})));
      expect(renders).toBe(1);
      const gzipped = results[0]!;
      expect(gzipped.headers['content-encoding']).toBe('gzip');
      const plain = results[1]!;
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(gunzipSync(gzipped.body).toString()).toBe(plain.body.toString());
      expect(plain.body.toString()).toMatch(/^kansa_test_value 1$/m);
    } finally {
      await endpoint.close();
    }
  });
});

describe('/metrics fixed families', () => {
  it('renders the fixed registry at the first scrape only, before the changing families of every scrape', async () => {
    let fixedRenders = 0;
    let renders = 0;
    let version = 0;
    const fixed = new Registry();
    new Gauge({ name: 'kansa_test_info', help: 'fixed', labelNames: ['id'] as const, registers: [fixed], collect() { fixedRenders++; this.set({ id: 'a' }, 1); } });
    const endpoint = await startEndpoint({ host: '127.0.0.1', port: 0, registry: registry(() => renders++), fixedRegistry: fixed, metricsVersion: () => version, ready: () => true, onError: () => undefined });
    try {
      const bodies: string[] = [];
      for (let i = 0; i < 3; i++) {
        version++; // a new status: the changing families are rendered again
        bodies.push((await fetchRaw(endpoint)).body.toString());
      }
      expect({ fixedRenders, renders }).toEqual({ fixedRenders: 1, renders: 3 });
      for (const body of bodies) expect(body).toMatch(/^kansa_test_info\{id="a"\} 1\n[\s\S]*^kansa_test_value 1$/m);
      const gzipped = await fetchRaw(endpoint, { 'accept-encoding': 'gzip' });
      expect(gunzipSync(gzipped.body).toString()).toBe(bodies[2]);
    } finally {
      await endpoint.close();
    }
  });
});

describe('basic auth under a wrong-password flood', () => {
  const header = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  it('keeps the scraper’s cached login whatever wrong passwords arrive, and answers it ahead of queued comparisons', async () => {
    let now = 0;
    const auth = new BasicAuthenticator(new Map([['prometheus', hashPassword('right', 4)]]), () => (now += 1_000));
    expect(await auth.verify(header('prometheus', 'right'))).toBe('allowed');
    // More distinct wrong passwords than any cache could hold: the old FIFO cache of every verdict lost the success.
    for (let i = 0; i < 200; i++) expect(await auth.verify(header('prometheus', `wrong-${i}`))).toBe('denied');
    // Comparisons queued by attackers: the cached login must not wait behind them.
    const order: string[] = [];
    const attackers = Array.from({ length: 6 }, (_, i) => auth.verify(header('prometheus', `flood-${i}`)).then(() => order.push('attacker')));
    const scraper = auth.verify(header('prometheus', 'right')).then((v) => order.push(`scraper:${v}`));
    await Promise.all([...attackers, scraper]);
    expect(order[0]).toBe('scraper:allowed');
  });

  it('refuses as busy instead of queueing without bound, and starts few uncached comparisons per second', async () => {
    let now = 0;
    const auth = new BasicAuthenticator(new Map([['prometheus', hashPassword('right', 4)]]), () => now);
    // At most 8 wait at once: the rest of a burst is refused at once, not queued.
    const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => auth.verify(header('prometheus', `x-${i}`))));
    expect(burst.filter((v) => v === 'denied').length).toBe(8);
    expect(burst.filter((v) => v === 'busy').length).toBe(4);
    // The budget of uncached comparisons (a burst of 32, then 4 a second) runs out…
    const spent: string[] = [];
    for (let i = 0; i < 30; i++) spent.push(await auth.verify(header('prometheus', `y-${i}`)));
    expect(spent.filter((v) => v === 'busy').length).toBe(6);
    // …and comes back with time.
    now = 1_000;
    expect(await auth.verify(header('prometheus', 'right'))).toBe('allowed');
  });

  it('limits failed logins per source in a window, then forgets them', () => {
    let now = 0;
    const limiter = new FailureLimiter(3, 1_000, 100, () => now);
    for (let i = 0; i < 3; i++) {
      expect(limiter.allows('10.0.0.1')).toBe(true);
      limiter.failed('10.0.0.1');
    }
    expect(limiter.allows('10.0.0.1')).toBe(false);
    expect(limiter.allows('10.0.0.2')).toBe(true);
    now = 1_000;
    expect(limiter.allows('10.0.0.1')).toBe(true);
  });

  it('skips the bcrypt comparison for a source over its limit, but lets a cached login through', async () => {
    const auth = new BasicAuthenticator(new Map([['prometheus', hashPassword('right', 4)]]));
    expect(await auth.verify(header('prometheus', 'right'))).toBe('allowed');
    let asked = 0;
    const blocked = (): boolean => {
      asked++;
      return false;
    };
    expect(await auth.verify(header('prometheus', 'right'), blocked)).toBe('allowed');
    expect(asked).toBe(0);
    expect(await auth.verify(header('prometheus', 'wrong'), blocked)).toBe('denied');
    expect(asked).toBe(1);
  });

  it('never hashes for a source over its limit: the comparison is skipped, not only its verdict', async () => {
    const hashed: string[] = [];
    const auth = new BasicAuthenticator(new Map([['prometheus', hashPassword('right', 4)]]), undefined, (password) => {
      hashed.push(password);
      return Promise.resolve(password === 'right');
    });
    expect(await auth.verify(header('prometheus', 'right'))).toBe('allowed');
    for (let i = 0; i < 20; i++) expect(await auth.verify(header('prometheus', `wrong-${i}`), () => false)).toBe('denied');
    expect(await auth.verify(header('prometheus', 'right'), () => false)).toBe('allowed');
    expect(hashed).toEqual(['right']);
  });
});

describe('bcrypt thread', () => {
  it('compares on its own thread, answers concurrent comparisons each with its own verdict, and starts again after close', async () => {
    const thread = new BcryptThread();
    const hash = hashPassword('right', 4);
    try {
      const verdicts = await Promise.all(['right', 'wrong', 'right', ''].map((p) => thread.compare(p, hash)));
      expect(verdicts).toEqual([true, false, true, false]);
      await expect(thread.compare('right', 'not a bcrypt hash')).resolves.toBe(false);
      // Waiting comparisons fail at close instead of hanging; the next one starts a new thread.
      const waiting = thread.compare('right', hash);
      await thread.close();
      await expect(waiting).rejects.toThrow('bcrypt worker closed');
      await expect(thread.compare('right', hash)).resolves.toBe(true);
    } finally {
      await thread.close();
    }
  });

  it('ends its thread once idle, so an agent or test runner that forgets close() can still exit', async () => {
    let ended!: () => void;
    const endedNow = new Promise<void>((resolve) => (ended = resolve));
    const thread = new BcryptThread(0, () => ended());
    const hash = hashPassword('right', 4);
    try {
      expect(thread.running).toBe(false); // no thread before the first login
      await expect(thread.compare('right', hash)).resolves.toBe(true);
      await endedNow;
      expect(thread.running).toBe(false);
      // The next login starts a new thread.
      await expect(thread.compare('wrong', hash)).resolves.toBe(false);
    } finally {
      await thread.close();
    }
  });
});
