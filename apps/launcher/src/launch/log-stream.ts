/** Where the launcher's merged log goes; tests pass an array collector. */
export type LineSink = (line: string) => void;

const COLOURS = [36, 32, 33, 35, 34, 96, 92, 93, 95, 94];
const NAME_WIDTH = 10;

export interface PrefixOptions {
  /** ANSI-colour the prefix (only when the launcher's stdout is a TTY). */
  colour?: boolean;
  /** Index used to pick a stable colour per process. */
  colourIndex?: number;
  width?: number;
}

/** `api        | ` — padded so every process's lines line up in one stream. */
export function formatPrefix(name: string, options: PrefixOptions = {}): string {
  const label = `${name.padEnd(options.width ?? NAME_WIDTH)} | `;
  if (!options.colour) return label;
  const code = COLOURS[(options.colourIndex ?? 0) % COLOURS.length];
  return `\u001b[${code}m${label}\u001b[0m`;
}

export interface LinePrefixer {
  /** Feed a chunk of output; complete lines go to the sink at once. */
  push(chunk: Buffer | string): void;
  /** Emit a trailing partial line (on process exit). */
  flush(): void;
}

/**
 * Splits a byte stream into lines and prefixes each with the process name. A child's output
 * arrives in arbitrary chunks, so a line may be split across chunks; the remainder waits for
 * the next chunk instead of being printed as two half-lines from interleaved processes.
 */
export function createLinePrefixer(name: string, sink: LineSink, options: PrefixOptions = {}): LinePrefixer {
  const prefix = formatPrefix(name, options);
  let pending = '';
  return {
    push(chunk) {
      pending += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      let index: number;
      while ((index = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, index).replace(/\r$/, '');
        pending = pending.slice(index + 1);
        sink(prefix + line);
      }
      // A child that never prints a newline must not grow this buffer without bound.
      if (pending.length > 64 * 1024) {
        sink(prefix + pending);
        pending = '';
      }
    },
    flush() {
      if (pending) sink(prefix + pending.replace(/\r$/, ''));
      pending = '';
    },
  };
}

/** The launcher's own sink: one write per line so lines from several sources never interleave. */
export function stdoutSink(line: string): void {
  process.stdout.write(line + '\n');
}
