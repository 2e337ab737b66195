import { ConsoleLogger, LogLevel } from '@nestjs/common';

const LEVELS: Record<string, LogLevel[]> = {
  debug: ['debug', 'log', 'warn', 'error', 'fatal'],
  info: ['log', 'warn', 'error', 'fatal'],
  warn: ['warn', 'error', 'fatal'],
  error: ['error', 'fatal'],
};

/** Plain single-line logs; the launcher prefixes each line with the process name. */
export function createLogger(level: string): ConsoleLogger {
  return new ConsoleLogger({ logLevels: LEVELS[level] ?? LEVELS.info, colors: false, timestamp: false });
}
