import { InitialSchema1763900000000 } from './1763900000000-initial-schema';
import { AuditLogAppendOnly1764600000000 } from './1764600000000-audit-log-append-only';
import { Recordings1764800000000 } from './1764800000000-recordings';
import { RecordingCoverageIndex1764830000001 } from './1764830000001-recording-coverage-index';

/** In order; every schema change is a new class appended here. */
export const MIGRATIONS = [
  InitialSchema1763900000000,
  AuditLogAppendOnly1764600000000,
  Recordings1764800000000,
  RecordingCoverageIndex1764830000001,
];
