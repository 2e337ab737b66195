import type { Queue } from 'bullmq';
import type { RawEvent, SyncResult } from '@xueliang/contracts';
import { jobIdFor } from '@xueliang/queue';
import { connect, type LiveClient } from '../alerts/support';
import { login } from '../support/api';

/* What the harness puts on the stack while a fault runs: consoles watching, events arriving. */

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A console as the real one behaves: live pushes, and a sync from its last seq on every reconnect. */
export class ConsoleWatcher {
  readonly live = new Set<string>();
  readonly resynced = new Set<string>();
  readonly overdue: { seq: string; stage: string }[] = [];
  disconnects = 0;
  /** The console's last seq each time it reconnected (it syncs from there). */
  readonly reconnectedAt: bigint[] = [];
  private lastSeq = '0';

  private constructor(
    readonly name: string,
    private readonly socket: LiveClient,
  ) {
    const seen = (seq: string): void => {
      this.live.add(seq);
      if (BigInt(seq) > BigInt(this.lastSeq)) this.lastSeq = seq;
    };
    socket.on('alert.created', (m) => seen(m.seq));
    socket.on('alert.updated', (m) => seen(m.seq));
    socket.on('alert.overdue', (m) => this.overdue.push({ seq: m.seq, stage: m.stage }));
    socket.on('disconnect', () => this.disconnects++);
    socket.io.on('reconnect', () => {
      this.reconnectedAt.push(BigInt(this.lastSeq));
      void this.sync();
    });
  }

  static async open(apiUrl: string, username: string): Promise<ConsoleWatcher> {
    const session = await login({ url: apiUrl }, username);
    const socket = await connect(apiUrl, session.accessToken);
    // The harness's sockets reconnect like the console's (connect() turns that off for tests).
    socket.io.reconnection(true);
    const watcher = new ConsoleWatcher(username, socket);
    await watcher.sync();
    return watcher;
  }

  private async sync(): Promise<void> {
    let since = this.lastSeq;
    for (;;) {
      const result = await new Promise<SyncResult>((r) => this.socket.emit('sync', { since }, r));
      for (const c of result.changes) this.resynced.add(c.message.seq);
      if (BigInt(result.lastSeq) > BigInt(this.lastSeq)) this.lastSeq = result.lastSeq;
      if (!result.truncated || result.lastSeq === since) return;
      since = result.lastSeq;
    }
  }

  /**
   * Changes the console never got, live or by a resync, out of the seqs it should have seen.
   * `outOfOrder` are those below the seq it resynced from: a change whose transaction committed
   * after a later-numbered one was pushed, and whose own push was lost (a sync "since seq"
   * cannot return it; see docs/RELIABILITY.md, known limits). Any other miss is a loss.
   */
  missed(expected: string[]): { live: number; afterResync: number; outOfOrder: number } {
    const notLive = expected.filter((s) => !this.live.has(s));
    const gone = notLive.filter((s) => !this.resynced.has(s));
    const outOfOrder = gone.filter((s) => this.reconnectedAt.some((from) => BigInt(s) <= from));
    return { live: notLive.length, afterResync: gone.length, outOfOrder: outOfOrder.length };
  }

  close(): void {
    this.socket.disconnect();
  }
}

/** ~rate events a second into the events queue, each retried until Redis accepts it. */
export class EventLoad {
  offered = 0;
  accepted = 0;
  retries = 0;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private readonly pending = new Set<Promise<void>>();
  private n = 0;

  constructor(
    private readonly queue: Queue<RawEvent>,
    private readonly makeEvent: (n: number) => RawEvent,
  ) {}

  start(rate: number): void {
    this.running = true;
    this.loop = (async () => {
      const started = Date.now();
      while (this.running) {
        // Paced against the clock, not the adds: a slow add does not slow the offer.
        const due = Math.floor(((Date.now() - started) / 1000) * rate);
        while (this.n < due) this.offer(this.makeEvent(this.n++));
        await sleep(25);
      }
    })();
  }

  /** A burst at once (a backlog). */
  burst(count: number): void {
    for (let i = 0; i < count; i++) this.offer(this.makeEvent(this.n++));
  }

  private offer(event: RawEvent): void {
    this.offered++;
    const p = (async () => {
      for (;;) {
        try {
          await this.queue.add('raw-event', event, { jobId: jobIdFor(event.id) });
          this.accepted++;
          return;
        } catch {
          // A producer that was told "not now" tries again with the same id: at most once.
          this.retries++;
          await sleep(200);
        }
      }
    })();
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Stops offering and waits until every offered event was accepted. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await Promise.all([...this.pending]);
  }
}
