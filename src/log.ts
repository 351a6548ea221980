import pino, { type Logger } from 'pino';

/** Fields that may carry secrets anywhere in a log record; pino replaces their values. */
const REDACT = [
  'secretAccessKey',
  'sessionToken',
  'password',
  'authorization',
  'token',
  'privateKey',
  '*.secretAccessKey',
  '*.sessionToken',
  '*.password',
  '*.authorization',
  '*.token',
  '*.privateKey',
  'credentials',
  '*.credentials',
  'headers.authorization',
];

/** Set only while replayLogLine writes, so a replayed record keeps the time it was logged in the worker. */
let replayedTime: number | undefined;

const loggerOptions = (level: string): pino.LoggerOptions => ({
  level,
  base: { app: 'kansa' },
  redact: { paths: REDACT, censor: '[redacted]' },
  timestamp: () => `,"time":${replayedTime ?? Date.now()}`,
});

/** Whether logs to this destination are for a person (pretty) rather than JSON for a log pipeline. */
export function logsArePretty(destination: { isTTY?: boolean } = process.stderr): boolean {
  return destination.isTTY === true && process.env.KANSA_LOG_FORMAT !== 'json';
}

/** JSON logs on stderr; human-readable only when stderr is a terminal (and pino-pretty is present). */
export function createLogger(level: string, destination: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr): Logger {
  const options = loggerOptions(level);
  if (logsArePretty(destination)) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { destination: 2, colorize: true, translateTime: 'SYS:standard' } } });
  }
  return pino(options, destination);
}

/**
 * A logger whose JSON lines go to `forward` (the engine worker posts them to the HTTP thread, which
 * replays them into its own logger, so one process has one log stream and tests capture both).
 */
export function createForwardingLogger(level: string, forward: (line: string) => void): Logger {
  return pino(loggerOptions(level), { write: forward });
}

/** Writes a line from createForwardingLogger through `logger` (its destination, format and level). */
export function replayLogLine(logger: Logger, line: string): void {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    logger.warn({ line }, 'unparsable log line from the engine');
    return;
  }
  const { level, msg, time, ...fields } = record;
  // The replaying logger adds its own.
  for (const own of ['pid', 'hostname', 'app']) delete fields[own];
  const label = typeof level === 'number' ? logger.levels.labels[level] : undefined;
  const write = label === 'trace' || label === 'debug' || label === 'info' || label === 'warn' || label === 'error' || label === 'fatal' ? logger[label].bind(logger) : logger.info.bind(logger);
  replayedTime = typeof time === 'number' && Number.isFinite(time) ? time : undefined;
  try {
    write(fields, typeof msg === 'string' ? msg : '');
  } finally {
    replayedTime = undefined;
  }
}

export type { Logger };
