/** The last N lines of a child's stderr, for diagnostics without unbounded memory. */
export class RingBuffer {
  private readonly lines: string[] = [];

  constructor(private readonly capacity = 50) {}

  push(line: string): void {
    this.lines.push(line.length > 500 ? `${line.slice(0, 500)}…` : line);
    if (this.lines.length > this.capacity) this.lines.shift();
  }

  toArray(): string[] {
    return [...this.lines];
  }
}
