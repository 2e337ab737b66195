import { readFileSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import type { RawEvent, RecordingMode, RecordingPolicy, StreamKind } from '@xueliang/contracts';
import { recordingPolicyChannel, recordingStateKey, type RecordingState } from '@xueliang/gateway-protocol';
import { type AppConfig, InjectConfig, InjectRedis, isProcessAlive, signalGroup } from '@xueliang/platform';
import { CameraDirectory, type CameraTarget } from '../../cameras/camera-directory.service';
import { RawEventPublisher } from '../../events/raw-event-publisher.adapter';
import { GATEWAY_SETTINGS, GatewaySettings } from '../../gateway.config';
import { CameraHealth } from '../../health/camera-health.service';
import { CameraLeases } from '../../leases/camera-leases.service';
import { withCredentials } from '../../streams/ffmpeg-args';
import { FfmpegRun, FfmpegRunner, GROUP_FILE } from '../../streams/ffmpeg-runner.adapter';
import { RingBuffer } from '../../streams/ring-buffer';
import { StorageGuard } from '../storage-guard';
import { buildRecordCommand, parseSegmentList, SEGMENT_LIST, WORK_SEGMENT_PATTERN } from './record-args';
import { type IndexJournal, JOURNAL_SUFFIX, SegmentIndex } from './segment-index';
import { trimTruncated, tsDurationSeconds } from './ts-reader';
import { parseStatsTime, WallClockAnchor } from './wall-clock';

const ANCHOR_FILE = 'anchor.json';
/** Where run directories live under RECORDINGS_DIR (never served: segment paths come from the index). */
export const WORK_DIR = '.work';
/** Shorter than this after trimming, a truncated leftover is not worth keeping. */
const MIN_SALVAGE_SECONDS = 0.5;
/** A hole shorter than this inside one run is not a gap (keyframe alignment, anchor corrections). */
const GAP_TOLERANCE_MS = 1000;
/**
 * Between two runs every hole is footage lost: the old ffmpeg died or was stopped, the new one had
 * to start, connect and wait for a keyframe (hundreds of ms on a quiet machine, seconds on a loaded
 * one), and the anchor only errs late, so a computed hole is never smaller than the real one. The
 * 1 s in-run tolerance here dropped every restart gap of a quiet machine.
 */
const RUN_GAP_TOLERANCE_MS = 0;
/** A camera whose last footage is older than this when we take it over was not recording: no gap. */
const HANDOVER_LOOKBACK_MS = 5 * 60_000;

/**
 * Run directories whose ffmpeg a recorder of THIS process runs (or is still indexing). Shared by
 * every gateway in the process (tests run two), so one never recovers another's live run.
 */
const liveRuns = new Set<string>();

/** Counters for Prometheus (gateway-metrics.ts). */
export interface RecorderCounters {
  segments: number;
  bytes: number;
  restarts: number;
}

interface Gap {
  startMs: number;
  /** The run that ended: its own last segments do not close the gap, the next run's first does. */
  runDir: string | undefined;
  reason: string;
  detail: string | null;
}

/** One ffmpeg run: its directory, its list position, its clock. */
class RecordingRun {
  readonly anchor = new WallClockAnchor();
  listOffset = 0;
  listRest = '';
  readonly handled = new Set<string>();
  lastListedEndS: number | undefined;
  exited = false;
  stoppedByUs = false;
  pollQueued = false;
  /** Stream time of the newest frame written and when it advanced (the stall watchdog's clock). */
  lastStreamS = -1;
  lastProgressAt: number;
  lastWallEnd: number | undefined;
  private lastAnchorWrite = 0;
  constructor(
    readonly dir: string,
    readonly stream: StreamKind,
    readonly startedAt: number,
    public ffmpeg: FfmpegRun | undefined = undefined,
  ) {
    this.lastProgressAt = startedAt;
  }

  persistAnchor(): void {
    const offset = this.anchor.offsetMs;
    if (offset === undefined || Math.round(offset) === this.lastAnchorWrite) return;
    this.lastAnchorWrite = Math.round(offset);
    writeFile(join(this.dir, ANCHOR_FILE), JSON.stringify({ offsetMs: offset })).catch(() => undefined);
  }
}

/** One recorded camera on this gateway. */
class CameraRecording {
  policy: RecordingPolicy;
  run: RecordingRun | undefined;
  readonly stderr = new RingBuffer(30);
  /** Serialises indexing, recovery and gap writes of this camera. */
  chain: Promise<void> = Promise.resolve();
  restartTimer: NodeJS.Timeout | undefined;
  failures = 0;
  restarts = 0;
  pendingGap: Gap | undefined;
  sawOffline = false;
  lastEndMs: number | undefined;
  lastSegmentAt = 0;
  /** Events mode: closed but unindexed segments of the last pre-event seconds. */
  buffer: { file: string; startMs: number; endMs: number }[] = [];
  activeUntilMs = 0;
  /** Set while it should record and does not; cleared by the next closed segment. */
  notRecordingSince: number | undefined;
  reason: string | null = null;
  alerted: string | undefined;
  since = new Date().toISOString();
  recording = false;
  /** Codec of the recorded stream as the gateway knows it (null: not probed yet), for the index. */
  codec: string | null = null;
  released = false;
  statePublishedAt = 0;

  constructor(
    readonly cameraId: string,
    policy: RecordingPolicy,
  ) {
    this.policy = policy;
  }
}

/**
 * Records the cameras this gateway holds the lease of (docs/RECORDING.md, ARCHITECTURE.md
 * "Recording"): one copy-mode ffmpeg per recorded camera writing MPEG-TS segments into a run
 * directory, each segment renamed, hashed and indexed once ffmpeg lists it as closed. Crash
 * leftovers are recovered when a camera is (re)acquired; holes become recording_gaps rows.
 */
@Injectable()
export class Recorder implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('recorder');
  private readonly cams = new Map<string, CameraRecording>();
  private readonly root: string;
  private readonly workRoot: string;
  private readonly index: SegmentIndex;
  private readonly prefix: string;
  private readonly gatewayId: string;
  private readonly host = hostname();
  private timers: NodeJS.Timeout[] = [];
  private subscriber: Redis | undefined;
  private stopped = false;
  private enabled = false;
  readonly counters: RecorderCounters = { segments: 0, bytes: 0, restarts: 0 };

  constructor(
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    private readonly cameras: CameraDirectory,
    private readonly ffmpeg: FfmpegRunner,
    private readonly leases: CameraLeases,
    private readonly health: CameraHealth,
    private readonly publisher: RawEventPublisher,
    private readonly guard: StorageGuard,
    @InjectDataSource() private readonly db: DataSource,
    @InjectRedis() private readonly redis: Redis,
    @InjectConfig() config: AppConfig,
  ) {
    this.root = resolve(settings.RECORDINGS_DIR);
    this.workRoot = join(this.root, WORK_DIR);
    this.prefix = config.REDIS_PREFIX;
    this.gatewayId = config.GATEWAY_ID;
    this.index = new SegmentIndex(db, this.root, this.gatewayId);
  }

  defaultPolicy(): RecordingPolicy {
    const s = this.settings;
    return {
      mode: s.RECORDING_DEFAULT_MODE,
      stream: s.RECORDING_DEFAULT_STREAM,
      preEventSeconds: s.RECORDING_DEFAULT_PRE_EVENT_SECONDS,
      postEventSeconds: s.RECORDING_DEFAULT_POST_EVENT_SECONDS,
      retentionDays: s.RECORDING_DEFAULT_RETENTION_DAYS,
    };
  }

  async onModuleInit(): Promise<void> {
    // Probe-only gateways and unit tests record nothing.
    if (this.settings.GATEWAY_BACKGROUND === 'false') return;
    this.enabled = true;
    await mkdir(this.workRoot, { recursive: true });
    this.leases.listen({
      acquired: (ids) => {
        for (const id of ids) this.acquire(id);
      },
      released: async (ids) => {
        await Promise.all(ids.map((id) => this.release(id)));
      },
    });
    this.publisher.onPublished((event) => this.onCameraEvent(event));
    this.guard.onChange((full, reason) => this.onStorage(full, reason));
    const subscriber = this.redis.duplicate();
    this.subscriber = subscriber;
    subscriber.on('error', (err: Error) => this.log.warn(`policy channel: ${err.message}`));
    subscriber.on('message', (_channel: string, message: string) => {
      const ids = message === '*' ? [...this.cams.keys()] : [policyMessageCameraId(message)];
      void this.reloadPolicies(ids.filter((id) => this.cams.has(id)));
    });
    await subscriber.subscribe(recordingPolicyChannel(this.prefix));
    const every = (ms: number, f: () => Promise<void> | void): void => {
      const t = setInterval(() => {
        if (!this.stopped)
          void Promise.resolve(f()).catch((err: unknown) => this.log.warn((err as Error).message));
      }, ms);
      t.unref();
      this.timers.push(t);
    };
    every(300, () => this.pollLists());
    every(this.settings.RECORDING_POLICY_POLL_MS, () => this.reloadPolicies([...this.cams.keys()]));
    every(1000, () => this.watch());
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await Promise.all([...this.cams.keys()].map((id) => this.release(id)));
    this.subscriber?.disconnect();
  }

  /** What the metrics and the health view read. */
  recordingCount(): number {
    return [...this.cams.values()].filter((c) => c.recording).length;
  }

  states(): RecordingState[] {
    return [...this.cams.values()].map((c) => this.stateOf(c));
  }

  // ---------------------------------------------------------------- leases and policies

  private acquire(cameraId: string): void {
    if (this.stopped || this.cams.has(cameraId)) return;
    const cam = new CameraRecording(cameraId, this.defaultPolicy());
    this.cams.set(cameraId, cam);
    this.enqueue(cam, async () => {
      cam.policy = (await this.loadPolicies([cameraId])).get(cameraId) ?? this.defaultPolicy();
      if (cam.policy.mode === 'off') return this.publishState(cam);
      await this.recoverLeftovers(cam);
      await this.apply(cam);
    });
  }

  private async release(cameraId: string): Promise<void> {
    const cam = this.cams.get(cameraId);
    if (!cam) return;
    cam.released = true;
    this.cams.delete(cameraId);
    await this.stopRun(cam);
    await cam.chain;
    // Events mode: the buffer was never evidence; its next holder starts its own.
    await Promise.all(cam.buffer.map((b) => rm(b.file, { force: true })));
    await this.redis.hdel(recordingStateKey(this.prefix), cameraId).catch(() => 0);
  }

  private async loadPolicies(ids: string[]): Promise<Map<string, RecordingPolicy>> {
    const out = new Map<string, RecordingPolicy>();
    if (!ids.length) return out;
    const rows = await this.db.query<
      {
        camera_id: string;
        mode: RecordingMode;
        stream: StreamKind;
        pre_event_seconds: number;
        post_event_seconds: number;
        retention_days: number;
      }[]
    >(
      `SELECT camera_id, mode, stream, pre_event_seconds, post_event_seconds, retention_days
         FROM recording_policies WHERE camera_id = ANY($1::uuid[])`,
      [ids],
    );
    for (const r of rows)
      out.set(r.camera_id, {
        mode: r.mode,
        stream: r.stream,
        preEventSeconds: r.pre_event_seconds,
        postEventSeconds: r.post_event_seconds,
        retentionDays: r.retention_days,
      });
    return out;
  }

  /** Re-reads the policies of the given cameras and applies what changed, without a restart. */
  async reloadPolicies(ids: string[]): Promise<void> {
    if (!ids.length) return;
    const policies = await this.loadPolicies(ids);
    for (const id of ids) {
      const cam = this.cams.get(id);
      if (!cam) continue;
      const next = policies.get(id) ?? this.defaultPolicy();
      const before = cam.policy;
      if (JSON.stringify(before) === JSON.stringify(next)) continue;
      this.enqueue(cam, async () => {
        cam.policy = next;
        if (before.mode === 'events' && next.mode === 'continuous') {
          // Everything the buffer holds is footage continuous recording would have kept.
          const held = cam.buffer;
          cam.buffer = [];
          for (const b of held) await this.indexOne(cam, b.file, b.startMs, b.endMs);
        }
        const streamChanged = before.stream !== next.stream;
        if (next.mode === 'off' || streamChanged) await this.stopRun(cam);
        if (next.mode === 'off') {
          cam.pendingGap = undefined;
          cam.notRecordingSince = undefined;
          await this.resolveAlert(cam);
        }
        if (before.mode === 'off') await this.recoverLeftovers(cam);
        await this.apply(cam);
      });
    }
  }

  /** Starts a run if the policy wants one and none is running; publishes the state either way. */
  private async apply(cam: CameraRecording): Promise<void> {
    if (cam.released || this.stopped) return;
    if (cam.policy.mode !== 'off' && !cam.run && !cam.restartTimer) {
      if (this.guard.isFull())
        this.notRecording(cam, `storage full: ${this.guard.fullReason() ?? 'no space'}`);
      else await this.startRun(cam);
    }
    await this.publishState(cam);
  }

  // ---------------------------------------------------------------- runs

  private async startRun(cam: CameraRecording): Promise<void> {
    let camera: CameraTarget;
    try {
      camera = await this.cameras.get(cam.cameraId);
    } catch (err) {
      this.notRecording(cam, `camera not readable: ${(err as Error).message}`);
      this.scheduleRestart(cam);
      return;
    }
    const stream = cam.policy.stream;
    const uri = stream === 'sub' ? (camera.rtspSub ?? camera.rtspMain) : camera.rtspMain;
    cam.codec =
      stream === 'sub' && camera.rtspSub ? (camera.subVideoCodec ?? camera.videoCodec) : camera.videoCodec;
    if (!uri) {
      this.notRecording(cam, 'camera has no RTSP stream registered');
      return;
    }
    const dir = join(this.runsDir(cam.cameraId, stream), `${this.host}_${process.pid}_${Date.now()}`);
    await mkdir(dir, { recursive: true });
    liveRuns.add(dir);
    const run = new RecordingRun(dir, stream, Date.now());
    const cmd = buildRecordCommand({
      inputUrl: withCredentials(uri, camera.username, camera.password),
      runDir: dir,
      segmentSeconds: this.settings.RECORDING_SEGMENT_SECONDS,
      rtspTimeoutMs: this.settings.ONVIF_TIMEOUT_MS,
    });
    cam.run = run;
    cam.lastSegmentAt = Date.now();
    run.ffmpeg = this.ffmpeg.start(
      cmd,
      (line) => {
        // The runner has redacted credentials already.
        const now = Date.now();
        const streamS = parseStatsTime(line);
        if (streamS === undefined) {
          cam.stderr.push(line);
          return;
        }
        if (streamS > run.lastStreamS) {
          run.lastStreamS = streamS;
          run.lastProgressAt = now;
        }
        if (run.anchor.sample(now - streamS * 1000, now)) run.persistAnchor();
      },
      join(dir, GROUP_FILE),
    );
    void run.ffmpeg.exited.then((exit) => this.onExit(cam, run, exit.message));
  }

  private onExit(cam: CameraRecording, run: RecordingRun, message: string): void {
    run.exited = true;
    this.enqueue(cam, async () => {
      await this.drainList(cam, run);
      const salvaged = await this.salvage(cam, run);
      await rm(run.dir, { recursive: true, force: true });
      liveRuns.delete(run.dir);
      if (cam.run === run) cam.run = undefined;
      if (run.stoppedByUs || cam.released || this.stopped) return;
      // Died on its own: a hole from the end of what it wrote until the next run's first segment.
      const offline = this.health.status(cam.cameraId)?.status === 'offline';
      cam.sawOffline ||= offline;
      cam.pendingGap ??= {
        startMs: salvaged ?? cam.lastEndMs ?? run.startedAt,
        runDir: run.dir,
        reason: 'ffmpeg_exit',
        detail: message,
      };
      const said = cam.stderr.toArray().at(-1);
      const why = `recording ffmpeg ${message}${said ? ` (${said.slice(0, 200)})` : ''}; restarting`;
      this.notRecording(cam, offline ? 'camera offline' : why);
      this.log.warn(`recording ffmpeg for ${cam.cameraId} ${message}`);
      this.scheduleRestart(cam);
      await this.publishState(cam);
    });
  }

  private scheduleRestart(cam: CameraRecording): void {
    if (cam.restartTimer || cam.released || this.stopped) return;
    const delay = Math.min(
      this.settings.STREAM_RESTART_MAX_MS,
      this.settings.RECORDING_RESTART_BASE_MS * 2 ** Math.min(10, cam.failures++),
    );
    cam.restartTimer = setTimeout(() => {
      cam.restartTimer = undefined;
      cam.restarts++;
      this.counters.restarts++;
      this.enqueue(cam, () => this.apply(cam));
    }, delay);
    cam.restartTimer.unref();
  }

  private async stopRun(cam: CameraRecording): Promise<void> {
    if (cam.restartTimer) clearTimeout(cam.restartTimer);
    cam.restartTimer = undefined;
    const run = cam.run;
    if (!run?.ffmpeg) return;
    run.stoppedByUs = true;
    // SIGTERM: ffmpeg closes and lists its last segment, which onExit then indexes.
    await run.ffmpeg.stop(this.settings.STREAM_STOP_GRACE_MS);
  }

  /** Reads what ffmpeg appended to a run's segment list and handles the newly closed segments. */
  private async pollLists(): Promise<void> {
    for (const cam of this.cams.values()) {
      const run = cam.run;
      if (!run || run.exited || run.pollQueued) continue;
      run.pollQueued = true;
      this.enqueue(cam, async () => {
        run.pollQueued = false;
        if (!run.exited) await this.drainList(cam, run);
      });
    }
  }

  private async drainList(cam: CameraRecording, run: RecordingRun): Promise<void> {
    const file = join(run.dir, SEGMENT_LIST);
    const size = await stat(file).then(
      (s) => s.size,
      () => 0,
    );
    if (size > run.listOffset) {
      const fh = await open(file, 'r');
      try {
        const buf = Buffer.alloc(size - run.listOffset);
        await fh.read(buf, 0, buf.length, run.listOffset);
        run.listOffset = size;
        run.listRest += buf.toString('utf8');
      } finally {
        await fh.close();
      }
    }
    const cut = run.listRest.lastIndexOf('\n');
    if (cut < 0) return;
    // Times come from the anchor: wait for ffmpeg's first progress line (half a second) unless
    // the run is over, when the file's close time is all there is.
    if (!run.anchor.settled() && !run.exited) return;
    const complete = run.listRest.slice(0, cut + 1);
    run.listRest = run.listRest.slice(cut + 1);
    for (const seg of parseSegmentList(complete)) {
      if (run.handled.has(seg.file)) continue;
      run.handled.add(seg.file);
      run.lastListedEndS = seg.end;
      const workFile = join(run.dir, seg.file);
      const prevEnd = run.lastWallEnd;
      const wall = await this.wallRange(run, workFile, seg.start, seg.end);
      if (
        prevEnd !== undefined &&
        wall.startMs - prevEnd > GAP_TOLERANCE_MS &&
        cam.policy.mode === 'continuous'
      ) {
        // Frames the camera did not deliver (congested link: cameras skip to the next keyframe).
        await this.index
          .addGap(
            cam.cameraId,
            run.stream,
            prevEnd,
            wall.startMs,
            'stream_loss',
            'frames missing from the camera stream',
          )
          .catch((err: Error) => this.log.warn(`gap: ${err.message}`));
      }
      await this.closed(cam, workFile, wall.startMs, wall.endMs);
    }
  }

  private async wallRange(
    run: RecordingRun,
    workFile: string,
    startS: number,
    endS: number,
  ): Promise<{ startMs: number; endMs: number }> {
    let startMs = run.anchor.wallMs(startS);
    const endMs = run.anchor.wallMs(endS);
    if (startMs !== undefined && endMs !== undefined) {
      // Consecutive segments of one run touch: the anchor's small corrections do not open holes.
      if (run.lastWallEnd !== undefined && Math.abs(startMs - run.lastWallEnd) < 300)
        startMs = run.lastWallEnd;
      run.lastWallEnd = endMs;
      return { startMs, endMs };
    }
    // No progress line seen yet (a very short first segment): the file's close time is the best left.
    const mtime = await stat(workFile).then(
      (s) => s.mtimeMs,
      () => Date.now(),
    );
    return { startMs: Math.round(mtime - (endS - startS) * 1000), endMs: Math.round(mtime) };
  }

  /** A segment ffmpeg has closed: indexed, or held in the events buffer. */
  private async closed(cam: CameraRecording, file: string, startMs: number, endMs: number): Promise<void> {
    cam.lastSegmentAt = Date.now();
    cam.failures = 0;
    if (cam.policy.mode === 'events' && startMs > cam.activeUntilMs) {
      cam.buffer.push({ file, startMs, endMs });
      await this.pruneBuffer(cam, Date.now());
    } else {
      await this.indexOne(cam, file, startMs, endMs);
    }
    await this.recovered(cam);
  }

  private async indexOne(cam: CameraRecording, file: string, startMs: number, endMs: number): Promise<void> {
    const stream = cam.run?.stream ?? cam.policy.stream;
    const gap = cam.pendingGap;
    if (gap && gap.runDir !== dirname(file)) {
      cam.pendingGap = undefined;
      const from = Math.max(gap.startMs, cam.lastEndMs ?? 0);
      if (startMs - from > RUN_GAP_TOLERANCE_MS) {
        const reason = gap.reason === 'ffmpeg_exit' && cam.sawOffline ? 'camera_offline' : gap.reason;
        await this.index.addGap(cam.cameraId, stream, from, startMs, reason, gap.detail);
      }
      cam.sawOffline = false;
    }
    try {
      const seg = await this.index.add({
        cameraId: cam.cameraId,
        stream,
        workFile: file,
        startMs,
        endMs,
        codec: cam.codec,
      });
      cam.lastEndMs = seg.endMs;
      this.counters.segments++;
      this.counters.bytes += seg.bytes;
    } catch (err) {
      this.log.warn(`could not index a segment of ${cam.cameraId}: ${(err as Error).message}`);
    }
  }

  /** Events mode: forgets buffered segments that ended before the pre-event window. */
  private async pruneBuffer(cam: CameraRecording, now: number): Promise<void> {
    const keepFrom = now - cam.policy.preEventSeconds * 1000 - this.settings.RECORDING_SEGMENT_SECONDS * 1000;
    const old = cam.buffer.filter((b) => b.endMs < keepFrom);
    if (!old.length) return;
    cam.buffer = cam.buffer.filter((b) => b.endMs >= keepFrom);
    await Promise.all(old.map((b) => unlink(b.file).catch(() => undefined)));
  }

  /** A camera event (motion, tampering, input, offline...) on a camera in events mode. */
  private onCameraEvent(event: RawEvent): void {
    if (!event.cameraId || event.recovered || event.source === 'system') return;
    const cam = this.cams.get(event.cameraId);
    if (!cam || cam.policy.mode !== 'events') return;
    const at = Math.min(Date.parse(event.occurredAt) || Date.now(), Date.now());
    const now = Date.now();
    this.enqueue(cam, async () => {
      cam.activeUntilMs = Math.max(cam.activeUntilMs, now + cam.policy.postEventSeconds * 1000);
      const from = at - cam.policy.preEventSeconds * 1000;
      const keep = cam.buffer.filter((b) => b.endMs > from);
      const drop = cam.buffer.filter((b) => b.endMs <= from);
      cam.buffer = [];
      await Promise.all(drop.map((b) => unlink(b.file).catch(() => undefined)));
      for (const b of keep) await this.indexOne(cam, b.file, b.startMs, b.endMs);
    });
  }

  // ---------------------------------------------------------------- crash recovery

  private runsDir(cameraId: string, stream: StreamKind): string {
    return join(this.workRoot, `${cameraId}-${stream}`);
  }

  /** Whether a run directory's writer may still be alive (then it is not ours to touch). */
  private ownerAlive(runId: string): boolean {
    const m = /^(.+)_(\d+)_(\d+)$/.exec(runId);
    if (!m) return false;
    const [, host, pid] = m;
    if (host !== this.host) return true; // another machine's run: its own gateway recovers it
    if (Number(pid) === process.pid) return [...liveRuns].some((dir) => dir.endsWith(`/${runId}`));
    return isProcessAlive(Number(pid));
  }

  /**
   * Leftovers of runs whose gateway died (SIGKILL, OOM, power): an orphaned ffmpeg still
   * writing is stopped, closed segments are indexed, a truncated last segment is trimmed to
   * its last whole frame and indexed if usable, else deleted; and the hole up to the next
   * recording is recorded as a 'gateway_restart' gap. Runs of live gateways are left alone.
   */
  private async recoverLeftovers(cam: CameraRecording): Promise<void> {
    let recoveredEnd: number | undefined;
    let found = false;
    for (const stream of ['main', 'sub'] as const) {
      const dir = this.runsDir(cam.cameraId, stream);
      const runIds = (await readdir(dir).catch(() => [] as string[])).sort(
        (a, b) => Number(a.split('_').pop()) - Number(b.split('_').pop()),
      );
      for (const runId of runIds) {
        if (this.ownerAlive(runId)) continue;
        found = true;
        const runDir = join(dir, runId);
        await this.reapOrphan(runDir);
        const run = new RecordingRun(runDir, stream, Number(runId.split('_').pop()));
        run.exited = true;
        const anchor = await readFile(join(runDir, ANCHOR_FILE), 'utf8')
          .then((t) => (JSON.parse(t) as { offsetMs: number }).offsetMs)
          .catch(() => undefined);
        if (anchor !== undefined) run.anchor.seed(anchor);
        // Half-indexed segments first: renamed but not yet inserted when the gateway died.
        for (const f of await readdir(runDir).catch(() => [] as string[])) {
          if (!f.endsWith(JOURNAL_SUFFIX)) continue;
          const journal = JSON.parse(await readFile(join(runDir, f), 'utf8')) as IndexJournal;
          const seg = await this.index
            .finishJournal(journal, join(runDir, f.slice(0, -JOURNAL_SUFFIX.length)))
            .catch(() => undefined);
          if (seg) recoveredEnd = Math.max(recoveredEnd ?? 0, seg.endMs);
          run.handled.add(f.slice(0, -JOURNAL_SUFFIX.length));
        }
        const keep = cam.policy.mode === 'continuous' && stream === cam.policy.stream;
        if (keep) {
          const before = cam.lastEndMs;
          await this.drainListForRecovery(cam, run);
          const salvaged = await this.salvage(cam, run);
          if (cam.lastEndMs !== before) recoveredEnd = Math.max(recoveredEnd ?? 0, cam.lastEndMs ?? 0);
          if (salvaged) recoveredEnd = Math.max(recoveredEnd ?? 0, salvaged);
        }
        await rm(runDir, { recursive: true, force: true });
      }
    }
    if (cam.policy.mode !== 'continuous') return;
    const lastEnd = recoveredEnd ?? (await this.index.lastEnd(cam.cameraId, cam.policy.stream));
    if (lastEnd !== undefined && Date.now() - lastEnd < HANDOVER_LOOKBACK_MS) {
      cam.pendingGap = {
        startMs: lastEnd,
        runDir: undefined,
        reason: found ? 'gateway_restart' : 'lease_handover',
        detail: found ? 'recovered leftovers of a recorder that died' : null,
      };
    }
  }

  private async drainListForRecovery(cam: CameraRecording, run: RecordingRun): Promise<void> {
    const text = await readFile(join(run.dir, SEGMENT_LIST), 'utf8').catch(() => '');
    for (const seg of parseSegmentList(text)) {
      if (run.handled.has(seg.file)) continue;
      run.handled.add(seg.file);
      run.lastListedEndS = seg.end;
      const workFile = join(run.dir, seg.file);
      // Listed and gone: it was indexed before the crash.
      if (!(await stat(workFile).catch(() => undefined))) continue;
      const wall = await this.wallRange(run, workFile, seg.start, seg.end);
      await this.indexOne(cam, workFile, wall.startMs, wall.endMs);
    }
  }

  /**
   * The run's unlisted segment files (ffmpeg died while writing them): trimmed to whole frames
   * and indexed when usable, deleted otherwise. Returns the wall-clock end of what was kept.
   */
  private async salvage(cam: CameraRecording, run: RecordingRun): Promise<number | undefined> {
    const files = (await readdir(run.dir).catch(() => [] as string[]))
      .filter((f) => WORK_SEGMENT_PATTERN.test(f) && !run.handled.has(f))
      .sort();
    let end: number | undefined;
    for (const f of files) {
      run.handled.add(f);
      const file = join(run.dir, f);
      const data = await readFile(file).catch(() => undefined);
      const trimmed = data && trimTruncated(data, MIN_SALVAGE_SECONDS);
      const keep = cam.policy.mode === 'continuous' || run.stream !== cam.policy.stream;
      if (!trimmed || !keep || cam.policy.mode === 'off') {
        await rm(file, { force: true });
        continue;
      }
      await writeFile(file, trimmed);
      const startS = run.lastListedEndS ?? 0;
      const durS = tsDurationSeconds(trimmed);
      const wall = await this.wallRange(run, file, startS, startS + durS);
      await this.indexOne(cam, file, wall.startMs, wall.endMs);
      run.lastListedEndS = startS + durS;
      end = wall.endMs;
    }
    return end;
  }

  /** Kills the ffmpeg of a dead gateway's run if its group leader is still that ffmpeg. */
  private async reapOrphan(runDir: string): Promise<void> {
    const pgid = Number(await readFile(join(runDir, GROUP_FILE), 'utf8').catch(() => ''));
    if (!Number.isInteger(pgid) || pgid <= 1) return;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pgid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      return;
    }
    if (!cmdline.includes(`${runDir}/`)) return;
    signalGroup(pgid, 'SIGKILL');
    for (let i = 0; i < 50 && isProcessAlive(pgid); i++) await new Promise((r) => setTimeout(r, 40));
  }

  // ---------------------------------------------------------------- state, alerts, storage

  private notRecording(cam: CameraRecording, reason: string): void {
    cam.notRecordingSince ??= Date.now();
    if (cam.reason !== reason || cam.recording) cam.since = new Date().toISOString();
    cam.reason = reason;
    cam.recording = false;
  }

  private async recovered(cam: CameraRecording): Promise<void> {
    const was = cam.recording;
    cam.notRecordingSince = undefined;
    cam.reason = null;
    cam.recording = cam.policy.mode === 'continuous' || Date.now() <= cam.activeUntilMs;
    if (!was && cam.recording) cam.since = new Date().toISOString();
    if (was !== cam.recording) await this.publishState(cam);
    await this.resolveAlert(cam);
  }

  private stateOf(cam: CameraRecording): RecordingState {
    return {
      cameraId: cam.cameraId,
      gatewayId: this.gatewayId,
      stream: cam.policy.stream,
      mode: cam.policy.mode,
      recording: cam.policy.mode !== 'off' && cam.recording,
      reason: cam.policy.mode === 'off' ? null : cam.reason,
      since: cam.since,
      updatedAt: new Date().toISOString(),
    };
  }

  private async publishState(cam: CameraRecording): Promise<void> {
    if (cam.released) return;
    cam.statePublishedAt = Date.now();
    await this.redis
      .hset(recordingStateKey(this.prefix), cam.cameraId, JSON.stringify(this.stateOf(cam)))
      .catch((err: Error) => this.log.warn(`recording state: ${err.message}`));
  }

  /** Once a second: watchdog, events window, buffer, stopped alerts, state refresh. */
  private async watch(): Promise<void> {
    const now = Date.now();
    // No new frame written for this long (progress lines stop advancing): a camera holding the
    // session open and sending nothing. Generous before the first frame: a loaded box connects slowly.
    const stallMs = Math.max(15_000, this.settings.RECORDING_SEGMENT_SECONDS * 3000);
    const alertMs = this.settings.RECORDING_STOPPED_ALERT_SECONDS * 1000;
    for (const cam of this.cams.values()) {
      const run = cam.run;
      const limit = run && run.lastStreamS < 0 ? stallMs * 2 : stallMs;
      if (run?.ffmpeg && !run.exited && now - run.lastProgressAt > limit) {
        this.log.warn(`recording of ${cam.cameraId} stalled (no frame for ${limit} ms); restarting ffmpeg`);
        run.lastProgressAt = now;
        void run.ffmpeg.stop(this.settings.STREAM_STOP_GRACE_MS);
      }
      if (cam.policy.mode === 'events') {
        const active = now <= cam.activeUntilMs && !cam.reason;
        if (active !== cam.recording && !cam.reason) {
          cam.recording = active;
          cam.since = new Date().toISOString();
          await this.publishState(cam);
        }
        if (cam.buffer.length) this.enqueue(cam, () => this.pruneBuffer(cam, now));
      }
      if (cam.policy.mode !== 'off' && cam.notRecordingSince !== undefined && !cam.alerted) {
        if (now - cam.notRecordingSince >= alertMs) await this.raiseAlert(cam);
      }
      // Refreshed every 10 s so a reader can tell a live gateway's state from a dead one's.
      if (now - cam.statePublishedAt >= 10_000) await this.publishState(cam);
    }
  }

  private async raiseAlert(cam: CameraRecording): Promise<void> {
    const since = new Date(cam.notRecordingSince ?? Date.now()).toISOString();
    let camera: CameraTarget;
    try {
      camera = await this.cameras.get(cam.cameraId);
    } catch {
      return;
    }
    cam.alerted = since;
    await this.publisher
      .publish(this.systemEvent(camera, `rec:${cam.cameraId}:stopped:${since}`, since, false, cam.reason))
      .catch((err: Error) => {
        cam.alerted = undefined;
        this.log.warn(`recording_stopped alert: ${err.message}`);
      });
  }

  private async resolveAlert(cam: CameraRecording): Promise<void> {
    if (!cam.alerted) return;
    const since = cam.alerted;
    cam.alerted = undefined;
    const camera = await this.cameras.get(cam.cameraId).catch(() => undefined);
    if (!camera) return;
    const at = new Date().toISOString();
    await this.publisher
      .publish(this.systemEvent(camera, `rec:${cam.cameraId}:resumed:${since}`, at, true, null))
      .catch((err: Error) => this.log.warn(`recording resumed event: ${err.message}`));
  }

  private systemEvent(
    camera: CameraTarget,
    id: string,
    at: string,
    recovered: boolean,
    reason: string | null,
  ): RawEvent {
    return {
      id,
      source: 'system',
      type: 'recording_stopped',
      occurredAt: at,
      cameraId: camera.id,
      regionId: camera.regionId,
      location: { lon: camera.lon, lat: camera.lat },
      title: `${recovered ? '录像已恢复' : '录像中断'} · ${camera.name}`.slice(0, 200),
      description: recovered ? undefined : `reason: ${reason ?? 'unknown'}`,
      recovered,
      attributes: { reason, gatewayId: this.gatewayId },
    };
  }

  private onStorage(full: boolean, reason: string | null): void {
    for (const cam of this.cams.values()) {
      this.enqueue(cam, async () => {
        if (full) {
          await this.stopRun(cam);
          if (cam.policy.mode === 'off') return;
          cam.pendingGap ??= {
            startMs: cam.lastEndMs ?? Date.now(),
            runDir: cam.run?.dir,
            reason: 'storage_full',
            detail: reason,
          };
          this.notRecording(cam, `storage full: ${reason ?? 'no space'}`);
          await this.publishState(cam);
        } else {
          await this.apply(cam);
        }
      });
    }
  }

  private enqueue(cam: CameraRecording, task: () => Promise<void>): void {
    cam.chain = cam.chain.then(task).catch((err: unknown) => {
      this.log.warn(`recording of ${cam.cameraId}: ${(err as Error).message}`);
    });
  }
}

/** The camera a recordingPolicyChannel message names: JSON `{ cameraId }` (the api) or a bare id. */
export function policyMessageCameraId(message: string): string {
  try {
    const parsed = JSON.parse(message) as { cameraId?: unknown };
    if (parsed && typeof parsed.cameraId === 'string') return parsed.cameraId;
  } catch {
    // not JSON: a bare camera id
  }
  return message;
}
