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

/** JSON logs on stderr; human-readable only when stderr is a terminal (and pino-pretty is present). */
export function createLogger(level: string, destination: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr): Logger {
  const options = { level, base: { app: 'kansa' }, redact: { paths: REDACT, censor: '[redacted]' } };
  if (destination.isTTY && process.env.KANSA_LOG_FORMAT !== 'json') {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { destination: 2, colorize: true, translateTime: 'SYS:standard' } } });
  }
  return pino(options, destination);
}

export type { Logger };
