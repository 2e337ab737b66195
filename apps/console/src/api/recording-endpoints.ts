import type {
  ChainVerification,
  CreateEvidenceLock,
  CreateExport,
  EvidenceLockView,
  ExportVerification,
  ExportView,
  Page,
  PlaybackSession,
  RecordingCoverage,
  RecordingHealthView,
  RecordingPolicyView,
  StreamKind,
  UpdateRecordingPolicy,
} from '@xueliang/contracts';
import { api, fetchBlob, itemsOf } from './client';

/** Recorded video (issue 16): coverage, playback sessions, policies, locks, exports, health. */
export const recordingsApi = {
  coverage: (cameraId: string, from: string, to: string, stream?: StreamKind) =>
    api<RecordingCoverage>(`/api/cameras/${cameraId}/recordings`, { query: { from, to, stream } }),
  playback: (cameraId: string, from: string, to: string, stream?: StreamKind, signal?: AbortSignal) =>
    api<PlaybackSession>(`/api/cameras/${cameraId}/playback`, {
      method: 'POST',
      json: { from, to, ...(stream ? { stream } : {}) },
      signal,
    }),
  policy: (cameraId: string) => api<RecordingPolicyView>(`/api/cameras/${cameraId}/recording-policy`),
  updatePolicy: (cameraId: string, body: UpdateRecordingPolicy) =>
    api<RecordingPolicyView>(`/api/cameras/${cameraId}/recording-policy`, { method: 'PUT', json: body }),
  health: () => api<RecordingHealthView>('/api/recordings/health'),
  verifyChain: (cameraId: string, day: string) =>
    api<ChainVerification>(`/api/cameras/${cameraId}/recordings/verify`, { query: { day } }),
};

export const locksApi = {
  list: () => api<EvidenceLockView[] | Page<EvidenceLockView>>('/api/evidence-locks').then(itemsOf),
  create: (body: CreateEvidenceLock) =>
    api<EvidenceLockView>('/api/evidence-locks', { method: 'POST', json: body }),
  release: (id: string, reason: string) =>
    api<unknown>(`/api/evidence-locks/${id}`, { method: 'DELETE', json: { reason } }),
};

export const exportsApi = {
  list: () => api<ExportView[] | Page<ExportView>>('/api/exports').then(itemsOf),
  get: (id: string) => api<ExportView>(`/api/exports/${id}`),
  create: (body: CreateExport) => api<ExportView>('/api/exports', { method: 'POST', json: body }),
  remove: (id: string) => api<unknown>(`/api/exports/${id}`, { method: 'DELETE' }),
  file: (id: string, name: string) => fetchBlob(`/api/exports/${id}/files/${encodeURIComponent(name)}`),
  verify: (manifest: File, files: File[]) => {
    const form = new FormData();
    form.append('manifest', manifest, manifest.name);
    for (const f of files) form.append('files', f, f.name);
    return api<ExportVerification>('/api/exports/verify', { method: 'POST', form });
  },
};
