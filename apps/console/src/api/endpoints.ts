import type {
  BulkCameraEdit,
  BulkCameraEditResult,
  ImportFormat,
  ImportJobView,
  ImportOnExisting,
  RegisterDiscovered,
  CameraDetailView,
  CheckpointView,
  CreateCheckpoint,
  CreateMute,
  DiscoveryScanView,
  MuteView,
  PtzPresetView,
  UpdateCheckpoint,
  CreatedIntegrationKey,
  CreateIntegrationKey,
  IntegrationKeyView,
  SlaPolicyView,
  UpdateSlaPolicy,
  AlertCommand,
  AlertCommandBody,
  AlertDetailView,
  AlertQuery,
  AlertView,
  AuditEntryView,
  CameraView,
  ConsoleConfig,
  CreateRegion,
  CreateUnit,
  CreateUser,
  LiveSession,
  Page,
  PtzCommand,
  RaiseAlert,
  RegionView,
  RegisterCamera,
  StreamKind,
  UnitView,
  UpdateCamera,
  UpdateRegion,
  UpdateUnit,
  UpdateUser,
  UserView,
} from '@xueliang/contracts';
import { api, fetchBlob, itemsOf, type Query } from './client';

export function checkpointLocation(c: CheckpointView): { lon: number; lat: number } | null {
  return c.location ?? null;
}

export const regionsApi = {
  list: () => api<RegionView[]>('/api/regions'),
  create: (body: CreateRegion) => api<RegionView>('/api/regions', { method: 'POST', json: body }),
  update: (id: string, body: UpdateRegion) =>
    api<RegionView>(`/api/regions/${id}`, { method: 'PATCH', json: body }),
};

export const usersApi = {
  list: (query?: Query) => api<UserView[] | Page<UserView>>('/api/users', { query }).then(itemsOf),
  create: (body: CreateUser) => api<UserView>('/api/users', { method: 'POST', json: body }),
  update: (id: string, body: UpdateUser) =>
    api<UserView>(`/api/users/${id}`, { method: 'PATCH', json: body }),
};

export const unitsApi = {
  list: () => api<UnitView[] | Page<UnitView>>('/api/units').then(itemsOf),
  create: (body: CreateUnit) => api<UnitView>('/api/units', { method: 'POST', json: body }),
  update: (id: string, body: UpdateUnit) =>
    api<UnitView>(`/api/units/${id}`, { method: 'PATCH', json: body }),
};

export type AlertFilter = Partial<Omit<AlertQuery, 'limit' | 'cursor'>>;

export const alertsApi = {
  list: (filter: AlertFilter, cursor?: string | null, limit = 500) =>
    api<Page<AlertView>>('/api/alerts', { query: { ...filter, cursor: cursor ?? undefined, limit } }),
  get: (id: string) => api<AlertDetailView>(`/api/alerts/${id}`),
  raise: (body: RaiseAlert) => api<AlertView>('/api/alerts', { method: 'POST', json: body }),
  command: <C extends AlertCommand>(id: string, command: C, body: AlertCommandBody<C>) =>
    api<AlertView>(`/api/alerts/${id}/${command}`, { method: 'POST', json: body }),
};

export const camerasApi = {
  list: (query?: Query) => api<CameraView[] | Page<CameraView>>('/api/cameras', { query }).then(itemsOf),
  /** The detail: on top of the list's fields, the ONVIF username, serial, firmware… (never the password). */
  get: (id: string) => api<CameraDetailView>(`/api/cameras/${id}`),
  register: (body: RegisterCamera) => api<CameraDetailView>('/api/cameras', { method: 'POST', json: body }),
  update: (id: string, body: UpdateCamera) =>
    api<CameraDetailView>(`/api/cameras/${id}`, { method: 'PATCH', json: body }),
  remove: (id: string) => api<void>(`/api/cameras/${id}`, { method: 'DELETE' }),
  live: (id: string, stream: StreamKind, signal?: AbortSignal) =>
    api<LiveSession>(`/api/cameras/${id}/live`, { method: 'POST', json: { stream }, signal }),
  ptz: (id: string, command: PtzCommand) =>
    api<void>(`/api/cameras/${id}/ptz`, { method: 'POST', json: command }),
  startDiscovery: () => api<unknown>('/api/cameras/discovery', { method: 'POST', json: {} }),
  /** The latest scan: whether it still runs, and what answered. */
  discovered: () => api<DiscoveryScanView>('/api/cameras/discovery'),
  presets: (id: string) => api<PtzPresetView[]>(`/api/cameras/${id}/ptz/presets`),
};

export const checkpointsApi = {
  list: () => api<CheckpointView[] | Page<CheckpointView>>('/api/checkpoints').then(itemsOf),
  create: (body: CreateCheckpoint) => api<CheckpointView>('/api/checkpoints', { method: 'POST', json: body }),
  update: (id: string, body: UpdateCheckpoint) =>
    api<CheckpointView>(`/api/checkpoints/${id}`, { method: 'PATCH', json: body }),
  remove: (id: string) => api<void>(`/api/checkpoints/${id}`, { method: 'DELETE' }),
};

/** Bulk onboarding and bulk edits (docs/CAMERAS.md "Importing a fleet"). */
export const cameraImportApi = {
  start: (
    file: File,
    fields: { mode: 'dry-run' | 'register'; onExisting: ImportOnExisting; regionId?: string },
  ) => {
    const form = new FormData();
    form.set('file', file, file.name);
    form.set('mode', fields.mode);
    form.set('onExisting', fields.onExisting);
    if (fields.regionId) form.set('regionId', fields.regionId);
    return api<ImportJobView>('/api/cameras/imports', { method: 'POST', form });
  },
  job: (id: string) => api<ImportJobView>(`/api/cameras/imports/${id}`),
  template: (format: ImportFormat, lang: 'zh' | 'en') =>
    fetchBlob('/api/cameras/imports/template', { format, lang }),
  export: (format: ImportFormat, lang: 'zh' | 'en') => fetchBlob('/api/cameras/export', { format, lang }),
  registerDiscovered: (body: RegisterDiscovered) =>
    api<ImportJobView>('/api/cameras/discovery/register', { method: 'POST', json: body }),
  bulk: (body: BulkCameraEdit) =>
    api<BulkCameraEditResult>('/api/cameras/bulk', { method: 'POST', json: body }),
};

export const mutesApi = {
  list: (all = false) => api<MuteView[]>('/api/mutes', { query: { all: all || undefined } }),
  create: (body: CreateMute) => api<MuteView>('/api/mutes', { method: 'POST', json: body }),
  cancel: (id: string) => api<unknown>(`/api/mutes/${id}`, { method: 'DELETE' }),
};

export const slaApi = {
  list: () => api<SlaPolicyView[] | Page<SlaPolicyView>>('/api/sla-policies').then(itemsOf),
  update: (id: string, body: UpdateSlaPolicy) =>
    api<SlaPolicyView>(`/api/sla-policies/${id}`, { method: 'PATCH', json: body }),
};

export const integrationsApi = {
  list: () => api<IntegrationKeyView[] | Page<IntegrationKeyView>>('/api/integrations').then(itemsOf),
  create: (body: CreateIntegrationKey) =>
    api<CreatedIntegrationKey>('/api/integrations', { method: 'POST', json: body }),
  revoke: (id: string) => api<void>(`/api/integrations/${id}`, { method: 'DELETE' }),
};

export const auditApi = {
  list: () => api<Page<AuditEntryView>>('/api/audit', { query: { limit: 200 } }).then(itemsOf),
};

export const configApi = {
  /** Optional endpoint: absent means no tile server. */
  get: () => api<ConsoleConfig>('/api/config').catch((): Partial<ConsoleConfig> => ({})),
};
