import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { redactCredentials } from './redact';

const LEVELS: Record<string, LogLevel[]> = {
  debug: ['debug', 'log', 'warn', 'error', 'fatal'],
  info: ['log', 'warn', 'error', 'fatal'],
  warn: ['warn', 'error', 'fatal'],
  error: ['error', 'fatal'],
};

/**
 * Every line passes the credential redaction on its way out: a URL with userinfo or a
 * password=… that some error message carries never reaches a log, whoever logged it.
 */
class RedactingLogger extends ConsoleLogger {
  protected override formatMessage(
    logLevel: LogLevel,
    message: unknown,
    pidMessage: string,
    formattedLogLevel: string,
    contextMessage: string,
    timestampDiff: string,
  ): string {
    return redactCredentials(
      super.formatMessage(logLevel, message, pidMessage, formattedLogLevel, contextMessage, timestampDiff),
    );
  }

  protected override printStackTrace(stack: string | undefined): void {
    // Nest passes no stack for an error logged without one (a port already taken at listen()).
    if (!stack) return;
    super.printStackTrace(redactCredentials(stack));
  }
}

/** Plain single-line logs; the launcher prefixes each line with the process name. */
export function createLogger(level: string): ConsoleLogger {
  return new RedactingLogger({ logLevels: LEVELS[level] ?? LEVELS.info, colors: false, timestamp: false });
}
