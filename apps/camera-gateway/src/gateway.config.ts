import { cpus } from 'node:os';
import { z } from 'zod';
import { summariseIssues } from '@xueliang/contracts';
import { ConfigError } from '@xueliang/platform';
import { CameraNetworks } from './onvif/camera-networks';

/**
 * Transcoding is what costs CPU: docs/PERFORMANCE.md ("Live video", transcoding) measured
 * ~0.06 cores per transcoded 640×360 stream against ~0.0023 for a copied one (~25×). 64 transcodes
 * would need ~3.8 cores, and 24 starting together on 2 cores fell behind real time. 10 a core
 * uses ~0.6 of each core and leaves the rest to copied streams, the gateway itself, its health
 * poller and start-up bursts. At least 2 so a tiny box can still show an H.265 camera.
 * os.cpus() counts the host's cores; in a CPU-limited container set MAX_TRANSCODES explicitly.
 */
export function defaultMaxTranscodes(cores: number = cpus().length): number {
  return Math.max(2, cores * 10);
}

/**
 * The gateway's own knobs on top of the platform config. Every timing is configurable so the
 * integration tests run in seconds; the defaults suit a county of ~5,000 cameras.
 */
const GatewaySettingsSchema = z.object({
  /**
   * Unicast WS-Discovery targets "host:port,host:port" on top of multicast (routed networks,
   * tests). The default also asks this host, where the one-command stack runs the simulator and
   * multicast loopback is not always available.
   */
  DISCOVERY_TARGETS: z.string().default('127.0.0.1:3702'),
  /** Send the multicast probe to 239.255.255.250:3702 too. */
  DISCOVERY_MULTICAST: z.enum(['true', 'false']).default('true'),
  DISCOVERY_WINDOW_MS: z.coerce.number().int().positive().default(3000),
  ONVIF_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  /** Idle time without playlist/segment requests before a stream's ffmpeg is stopped. */
  STREAM_IDLE_MS: z.coerce.number().int().positive().default(30_000),
  /** Live streams (one ffmpeg each, copied or transcoded) this gateway runs at once. */
  MAX_STREAMS: z.coerce.number().int().positive().default(64),
  /**
   * Of those, how many may be transcoded (H.265 and other non-H.264 cameras → libx264). A
   * transcoded stream counts against both limits. Default: see defaultMaxTranscodes().
   */
  MAX_TRANSCODES: z.coerce.number().int().positive().default(defaultMaxTranscodes()),
  /** How long a live request waits for the first playable playlist. */
  STREAM_READY_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  /** A running ffmpeg whose playlist has not changed for this long is stalled and restarted. */
  STREAM_STALL_MS: z.coerce.number().int().positive().default(15_000),
  STREAM_STOP_GRACE_MS: z.coerce.number().int().positive().default(2000),
  STREAM_RESTART_BASE_MS: z.coerce.number().int().positive().default(500),
  STREAM_RESTART_MAX_MS: z.coerce.number().int().positive().default(30_000),
  HLS_SEGMENT_SECONDS: z.coerce.number().int().positive().default(1),
  HLS_LIST_SIZE: z.coerce.number().int().positive().default(6),
  /** Root of per-stream temp dirs; default os.tmpdir()/xueliang-hls. */
  HLS_DIR: z.string().default(''),
  /**
   * Where this gateway writes recorded segments (docs/RECORDING.md). Relative paths are from the
   * working directory; the one-command stack uses var/recordings. Shared storage (NAS) mounted at
   * the same path on every gateway lets any gateway serve any segment.
   */
  RECORDINGS_DIR: z.string().default('var/recordings'),
  /** Where evidence exports (MP4 + signed manifest) are written. */
  EXPORTS_DIR: z.string().default('var/exports'),
  /**
   * The platform default recording policy, for cameras without one of their own
   * (recording_policies). 'off' by default so a gateway records nothing unless told; the
   * one-command demo stack sets 'continuous'. docs/RECORDING.md "Recording (technicians)".
   */
  RECORDING_DEFAULT_MODE: z.enum(['off', 'continuous', 'events']).default('off'),
  RECORDING_DEFAULT_STREAM: z.enum(['main', 'sub']).default('sub'),
  RECORDING_DEFAULT_PRE_EVENT_SECONDS: z.coerce.number().int().min(0).max(120).default(10),
  RECORDING_DEFAULT_POST_EVENT_SECONDS: z.coerce.number().int().min(0).max(600).default(30),
  RECORDING_DEFAULT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Target segment length; segments are cut on the next keyframe after it. */
  RECORDING_SEGMENT_SECONDS: z.coerce.number().positive().max(60).default(4),
  /** A camera that should record and has not for this long raises a 'recording_stopped' alert. */
  RECORDING_STOPPED_ALERT_SECONDS: z.coerce.number().positive().default(60),
  /** Policies are re-read this often (and at once on a recordingPolicyChannel message). */
  RECORDING_POLICY_POLL_MS: z.coerce.number().int().positive().default(10_000),
  /** First restart delay of a recording ffmpeg that died; doubles up to STREAM_RESTART_MAX_MS. */
  RECORDING_RESTART_BASE_MS: z.coerce.number().int().positive().default(1000),
  /**
   * Disk quota of this gateway's recordings: the smaller of RECORDING_QUOTA_BYTES and
   * RECORDING_MAX_DISK_SHARE × (free space + what the recordings use). Past the high-water
   * mark (a share of the quota) the oldest unlocked footage goes until below the low-water mark.
   * Default 4 GiB: a laptop running the demo never fills its disk.
   */
  RECORDING_QUOTA_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(4 * 1024 ** 3),
  RECORDING_MAX_DISK_SHARE: z.coerce.number().gt(0).max(1).default(0.5),
  RECORDING_HIGH_WATER: z.coerce.number().gt(0).max(1).default(0.9),
  RECORDING_LOW_WATER: z.coerce.number().gt(0).max(1).default(0.8),
  /** How often the retention sweeper runs (and publishes storage stats). */
  RECORDING_SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(30_000),
  /**
   * Run evidence export jobs here: 'auto' follows GATEWAY_BACKGROUND, 'true'/'false' force it
   * (tests that switch background loops off still export).
   */
  EXPORT_WORKER: z.enum(['auto', 'true', 'false']).default('auto'),
  LEASE_TTL_MS: z.coerce.number().int().positive().default(15_000),
  HEALTH_INTERVAL_MS: z.coerce.number().int().positive().default(30_000),
  HEALTH_MAX_BACKOFF_MS: z.coerce.number().int().positive().default(300_000),
  HEALTH_CONCURRENCY: z.coerce.number().int().positive().default(64),
  /** Consecutive failed polls before a camera is declared offline. */
  HEALTH_FAILURES_TO_OFFLINE: z.coerce.number().int().positive().default(3),
  /** PullMessages long-poll wait, seconds. */
  EVENTS_PULL_SECONDS: z.coerce.number().int().positive().default(20),
  /** PullPoint subscription lifetime, seconds; renewed at half-life. */
  EVENTS_SUBSCRIPTION_SECONDS: z.coerce.number().int().positive().default(120),
  /**
   * Networks cameras may be in, CIDRs separated by commas (e.g. "10.20.0.0/16,192.168.8.0/24");
   * empty = any. Nothing outside them is contacted: not at registration, not afterwards.
   */
  CAMERA_NETWORKS: z
    .string()
    .default('')
    .superRefine((v, ctx) => {
      try {
        CameraNetworks.parse(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
      }
    }),
  /**
   * The URL the api reaches this gateway on, when given (gateways on other hosts); else the
   * address it is bound to. Read here as given or not: the platform config's default for
   * GATEWAY_URL is not a choice anyone made.
   */
  GATEWAY_URL: z.string().optional(),
  /** Turn background loops off (probe-only gateways, unit tests). */
  GATEWAY_BACKGROUND: z.enum(['true', 'false']).default('true'),
});
export type GatewaySettings = z.infer<typeof GatewaySettingsSchema>;

export function loadGatewaySettings(env: NodeJS.ProcessEnv = process.env): GatewaySettings {
  const parsed = GatewaySettingsSchema.safeParse(env);
  if (!parsed.success)
    throw new ConfigError(`invalid gateway configuration: ${summariseIssues(parsed.error)}`);
  return parsed.data;
}

export const GATEWAY_SETTINGS = Symbol('GATEWAY_SETTINGS');
