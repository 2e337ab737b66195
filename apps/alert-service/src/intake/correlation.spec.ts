import type { RawEvent } from '@xueliang/contracts';
import { correlationKey, isRecovery } from './correlation';

const base: RawEvent = {
  id: 'cam:1:motion:1',
  source: 'camera',
  type: 'motion',
  occurredAt: '2026-11-23T00:00:00Z',
  cameraId: '00000000-0000-4000-8000-000000000001',
};

describe('correlationKey', () => {
  it.each<[string, Partial<RawEvent>, string]>([
    ['camera subject', {}, 'camera|camera:00000000-0000-4000-8000-000000000001|motion'],
    [
      'checkpoint subject',
      { source: 'checkpoint', type: 'checkpoint_alarm', cameraId: undefined, checkpointId: 'cp' },
      'checkpoint|checkpoint:cp|checkpoint_alarm',
    ],
    [
      'region subject',
      { source: 'hotline', type: 'dispute', cameraId: undefined, regionId: 'r1' },
      'hotline|region:r1|dispute',
    ],
    ['manual never joins', { source: 'manual', id: 'manual:abc' }, 'manual|manual:abc'],
  ])('%s', (_name, patch, expected) => {
    expect(correlationKey({ ...base, ...patch })).toBe(expected);
  });

  it('separates types and sources on the same camera', () => {
    expect(correlationKey(base)).not.toBe(correlationKey({ ...base, type: 'tampering' }));
  });

  it('recognises a camera recovery', () => {
    expect(isRecovery({ ...base, type: 'camera_offline', recovered: true })).toBe(true);
    expect(isRecovery({ ...base, type: 'camera_offline' })).toBe(false);
    expect(isRecovery({ ...base, recovered: true })).toBe(false);
    expect(isRecovery({ ...base, source: 'system', type: 'recording_stopped', recovered: true })).toBe(true);
  });
});
