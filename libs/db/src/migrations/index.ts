import { InitialSchema1763900000000 } from './1763900000000-initial-schema';
import { AuditLogAppendOnly1764600000000 } from './1764600000000-audit-log-append-only';
import { Recordings1764800000000 } from './1764800000000-recordings';
import { RecordingCoverageIndex1764830000001 } from './1764830000001-recording-coverage-index';
import { AlertIntakeCacheVersion1764900000000 } from './1764900000000-alert-intake-cache-version';
import { CameraInterop1764910000000 } from './1764910000000-camera-interop';
import { CameraNationalCode1764920000001 } from './1764920000001-camera-national-code';

/** In order; every schema change is a new class appended here. */
export const MIGRATIONS = [
  InitialSchema1763900000000,
  AuditLogAppendOnly1764600000000,
  Recordings1764800000000,
  RecordingCoverageIndex1764830000001,
  AlertIntakeCacheVersion1764900000000,
  CameraInterop1764910000000,
  CameraNationalCode1764920000001,
];
