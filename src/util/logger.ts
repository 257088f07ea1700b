import { createRequire } from 'node:module';
import { pino, type Level, type Logger } from 'pino';
import type prettyFactory from 'pino-pretty';

/** pino-pretty (CommonJS) is loaded only for a terminal: a run whose stderr is a file never pays for it. */
const requireCjs = createRequire(import.meta.url);

/** Log levels accepted by `--log-level`, most verbose first, plus 'silent'. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = Level | 'silent';

/**
 * A logger writing to stderr (stdout stays free for results): JSON lines when stderr is a file
 * or pipe, readable colored lines when it is a terminal. Both destinations write synchronously
 * in this thread, pino-pretty included (used as a plain stream, not a worker transport), so no
 * worker keeps the process alive and nothing is lost when the CLI exits right after logging.
 */
export function createLogger(level: LogLevel = 'info', options: { pretty?: boolean } = {}): Logger {
  const readable = options.pretty ?? process.stderr.isTTY === true;
  if (readable) {
    const pretty = requireCjs('pino-pretty') as typeof prettyFactory;
    return pino({ level }, pretty({ destination: 2, sync: true, colorize: true, ignore: 'pid,hostname' }));
  }
  return pino({ level }, pino.destination({ fd: 2, sync: true }));
}

/** The default for library use: logs nothing, costs almost nothing. */
export const silentLogger: Logger = pino({ level: 'silent' });
