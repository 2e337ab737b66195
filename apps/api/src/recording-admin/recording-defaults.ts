import { z } from 'zod';
import {
  DEFAULT_RECORDING_POLICY,
  RECORDING_LIMITS,
  RecordingModeSchema,
  type RecordingPolicy,
  StreamKindSchema,
  summariseIssues,
} from '@xueliang/contracts';
import { ConfigError } from '@xueliang/platform';

/**
 * The platform default a camera without a policy of its own records by: the gateways read the
 * same RECORDING_DEFAULT_* variables (the one-command stack gives every app the same env), so the
 * api shows what the recorder does. Unset: the contracts' default.
 */
const RecordingDefaultsSchema = z.object({
  RECORDING_DEFAULT_MODE: RecordingModeSchema.default(DEFAULT_RECORDING_POLICY.mode),
  RECORDING_DEFAULT_STREAM: StreamKindSchema.default(DEFAULT_RECORDING_POLICY.stream),
  RECORDING_DEFAULT_PRE_EVENT_SECONDS: z.coerce
    .number()
    .int()
    .min(RECORDING_LIMITS.preEventSeconds.min)
    .max(RECORDING_LIMITS.preEventSeconds.max)
    .default(DEFAULT_RECORDING_POLICY.preEventSeconds),
  RECORDING_DEFAULT_POST_EVENT_SECONDS: z.coerce
    .number()
    .int()
    .min(RECORDING_LIMITS.postEventSeconds.min)
    .max(RECORDING_LIMITS.postEventSeconds.max)
    .default(DEFAULT_RECORDING_POLICY.postEventSeconds),
  RECORDING_DEFAULT_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(RECORDING_LIMITS.retentionDays.min)
    .max(RECORDING_LIMITS.retentionDays.max)
    .default(DEFAULT_RECORDING_POLICY.retentionDays),
});

export function loadRecordingDefaults(env: NodeJS.ProcessEnv = process.env): RecordingPolicy {
  const parsed = RecordingDefaultsSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(`invalid recording defaults: ${summariseIssues(parsed.error)}`);
  const d = parsed.data;
  return {
    mode: d.RECORDING_DEFAULT_MODE,
    stream: d.RECORDING_DEFAULT_STREAM,
    preEventSeconds: d.RECORDING_DEFAULT_PRE_EVENT_SECONDS,
    postEventSeconds: d.RECORDING_DEFAULT_POST_EVENT_SECONDS,
    retentionDays: d.RECORDING_DEFAULT_RETENTION_DAYS,
  };
}

export const RECORDING_DEFAULTS = Symbol('RECORDING_DEFAULTS');
