import { z } from 'zod';

/** Alarms a road checkpoint (卡口) raises with a pass. No watch lists of vehicles or people. */
export const CHECKPOINT_ALARMS = ['speeding', 'wrong_way', 'checkpoint_fault'] as const;
export type CheckpointAlarm = (typeof CHECKPOINT_ALARMS)[number];

export const VEHICLE_TYPES = ['car', 'suv', 'van', 'truck', 'bus', 'motorcycle'] as const;
export const PLATE_COLORS = ['blue', 'yellow', 'green', 'white', 'black'] as const;

/**
 * One vehicle pass as a checkpoint POSTs it (x-api-key). Field names match the pass body of
 * POST /api/checkpoints/passes; the extra descriptive fields are optional for other producers.
 */
export const CheckpointPassRecordSchema = z.object({
  checkpointCode: z.string().min(1).max(32),
  /** Idempotency key from the checkpoint: a retried POST carries the same id. */
  passId: z.string().min(1).max(100),
  passedAt: z.iso.datetime({ offset: true }),
  plate: z.string().max(16).optional(),
  plateColor: z.enum(PLATE_COLORS).optional(),
  vehicleType: z.enum(VEHICLE_TYPES).optional(),
  lane: z.number().int().min(0).max(16).optional(),
  direction: z.string().max(32).optional(),
  speedKmh: z.number().min(0).max(400).optional(),
  speedLimitKmh: z.number().min(0).max(400).optional(),
  alarm: z.enum(CHECKPOINT_ALARMS).optional(),
});
export type CheckpointPassRecord = z.infer<typeof CheckpointPassRecordSchema>;
