/** Log lines from the engine worker are replayed on the HTTP thread: one stream, nothing of the record lost. */
import { Writable } from 'node:stream';
import { createForwardingLogger, createLogger, replayLogLine } from '../src/log.js';

function capture(level: string): { logger: ReturnType<typeof createLogger>; records: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger(level, sink), records: () => lines.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('replayLogLine', () => {
  it('keeps the worker’s time, level, message and fields, and redacts on both threads', () => {
    const forwarded: string[] = [];
    const worker = createForwardingLogger('debug', (line) => forwarded.push(line));
    worker.warn({ event: 'collector_failed', account: '111122223333', credentials: { secret: 'x' } }, 'a warning');
    const workerTime = (JSON.parse(forwarded[0]!) as { time: number }).time;

    const main = capture('debug');
    const recorded = forwarded[0]!.replace(`"time":${workerTime}`, `"time":${workerTime - 5_000}`);
    replayLogLine(main.logger, recorded);
    main.logger.info('written by the main thread afterwards');

    const [replayed, own] = main.records();
    expect(replayed).toMatchObject({ level: 40, msg: 'a warning', event: 'collector_failed', account: '111122223333', credentials: '[redacted]', time: workerTime - 5_000, app: 'kansa' });
    expect(own!['time']).toBeGreaterThanOrEqual(workerTime);
  });

  it('honours the main logger’s level and reports lines it cannot parse', () => {
    const main = capture('warn');
    replayLogLine(main.logger, JSON.stringify({ level: 30, time: 1, msg: 'below the level' }));
    replayLogLine(main.logger, 'not json');
    expect(main.records()).toEqual([expect.objectContaining({ level: 40, msg: 'unparsable log line from the engine', line: 'not json' })]);
  });

  it('uses the main thread’s time when the line has none', () => {
    const main = capture('info');
    const before = Date.now();
    replayLogLine(main.logger, JSON.stringify({ level: 30, msg: 'no time' }));
    expect(main.records()[0]!['time']).toBeGreaterThanOrEqual(before);
  });
});
