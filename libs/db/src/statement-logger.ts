import { AbstractLogger, type LogLevel, type LogMessage, type QueryRunner } from 'typeorm';

type Loggable = LogMessage | string | number | (LogMessage | string | number)[];

/**
 * TypeORM's own loggers print a failed query with its parameters, and parameters carry what
 * the application stores: a user's password hash reached the log that way. This one logs the
 * statement and the database's reason, never the values; the statement's `$n` placeholders
 * are enough to find the code that ran it.
 */
export class StatementLogger extends AbstractLogger {
  override logQuery(query: string, _parameters?: unknown[], queryRunner?: QueryRunner): void {
    super.logQuery(query, undefined, queryRunner);
  }

  override logQueryError(
    error: string | Error,
    query: string,
    _parameters?: unknown[],
    queryRunner?: QueryRunner,
  ): void {
    super.logQueryError(describeDriverError(error), query, undefined, queryRunner);
  }

  override logQuerySlow(
    time: number,
    query: string,
    _parameters?: unknown[],
    queryRunner?: QueryRunner,
  ): void {
    super.logQuerySlow(time, query, undefined, queryRunner);
  }

  protected writeLog(level: LogLevel, message: Loggable, queryRunner?: QueryRunner): void {
    const lines = this.prepareLogMessages(
      message,
      { highlightSql: false, formatSql: false, appendParameterAsComment: false, addColonToPrefix: true },
      queryRunner,
    );
    for (const line of lines) {
      const text = `${line.prefix ?? ''}${String(line.message)}`;
      if (level === 'warn' || line.type === 'query-error' || line.type === 'error') console.warn(text);
      else console.log(text);
    }
  }
}

/**
 * The driver's reason with its SQLSTATE, minus the input values PostgreSQL quotes in some
 * messages (`invalid input syntax for type integer: "…"`, `value "…" is out of range`). The
 * error's `detail` (`Key (username)=(…) already exists`) is never included.
 */
function describeDriverError(error: string | Error): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  const redacted = message
    .replace(/: ".*"$/s, ': "…"')
    .replace(/\bvalue "[^"]*"/g, 'value "…"')
    // Identifiers are at most 63 bytes; anything longer in quotes is data.
    .replace(/"[^"]{64,}"/g, '"…"');
  return typeof code === 'string' ? `${redacted} (SQLSTATE ${code})` : redacted;
}
