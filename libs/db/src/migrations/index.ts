import { InitialSchema1763900000000 } from './1763900000000-initial-schema';
import { AuditLogAppendOnly1764600000000 } from './1764600000000-audit-log-append-only';
import { CameraInterop1764910000000 } from './1764910000000-camera-interop';

/** In order; every schema change is a new class appended here. */
export const MIGRATIONS = [
  InitialSchema1763900000000,
  AuditLogAppendOnly1764600000000,
  CameraInterop1764910000000,
];
