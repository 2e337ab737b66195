import { Alert } from './alert.entity';
import { AlertChange } from './alert-change.entity';
import { AlertMute } from './alert-mute.entity';
import { AlertTimelineEntry } from './alert-timeline-entry.entity';
import { AuditEntry } from './audit-entry.entity';
import { Camera } from './camera.entity';
import { CameraWall } from './camera-wall.entity';
import { EvidenceLock } from './evidence-lock.entity';
import { Checkpoint } from './checkpoint.entity';
import { IntegrationKey } from './integration-key.entity';
import { RawEventRecord } from './raw-event-record.entity';
import { RecordingExport } from './recording-export.entity';
import { RecordingGap } from './recording-gap.entity';
import { RecordingPolicyRecord } from './recording-policy.entity';
import { RecordingSegment } from './recording-segment.entity';
import { Region } from './region.entity';
import { ResponseUnit } from './response-unit.entity';
import { SlaPolicy } from './sla-policy.entity';
import { User } from './user.entity';

export {
  Alert,
  AlertChange,
  AlertMute,
  AlertTimelineEntry,
  AuditEntry,
  Camera,
  CameraWall,
  EvidenceLock,
  Checkpoint,
  IntegrationKey,
  RawEventRecord,
  RecordingExport,
  RecordingGap,
  RecordingPolicyRecord,
  RecordingSegment,
  Region,
  ResponseUnit,
  SlaPolicy,
  User,
};
export type { AlertDeadlines } from './alert.entity';

export const ENTITIES = [
  Alert,
  AlertChange,
  AlertMute,
  AlertTimelineEntry,
  AuditEntry,
  Camera,
  CameraWall,
  EvidenceLock,
  Checkpoint,
  IntegrationKey,
  RawEventRecord,
  RecordingExport,
  RecordingGap,
  RecordingPolicyRecord,
  RecordingSegment,
  Region,
  ResponseUnit,
  SlaPolicy,
  User,
];
