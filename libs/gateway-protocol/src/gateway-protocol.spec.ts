import {
  discoveryKeys,
  gatewayKey,
  gatewayKeyPattern,
  gatewayRoutes,
  internalToken,
  isHlsFile,
  isInternalTokenValid,
  leaseKey,
  ProbeResultSchema,
} from './index';

describe('gateway protocol', () => {
  it('derives the internal token the deployed gateways expect (a change breaks mixed-version fleets)', () => {
    const token = internalToken('a-secret-of-enough-length');
    // Pinned: api and gateway nodes of different releases must still agree during a rolling update.
    expect(token).toBe('ppqMKYvbEYRu0O-b11w-ygP71qirw5Doe8t-m5nUER0');
    expect(token).not.toBe(internalToken('another-secret-long-enough'));
    expect(isInternalTokenValid(token, token)).toBe(true);
    expect(isInternalTokenValid(undefined, token)).toBe(false);
    expect(isInternalTokenValid(`${token}x`, token)).toBe(false);
  });

  it.each([
    ['probe', gatewayRoutes.probe.path({}), '/internal/probe'],
    ['ptz', gatewayRoutes.ptz.path({ id: 'c1' }), '/internal/cameras/c1/ptz'],
    [
      'ensure',
      gatewayRoutes.ensureStream.path({ id: 'c1', stream: 'sub' }),
      '/internal/cameras/c1/streams/sub',
    ],
    [
      'hls file',
      gatewayRoutes.hlsFile.path({ id: 'c1', stream: 'main', file: 'seg_00001.ts' }),
      '/internal/hls/c1/main/seg_00001.ts',
    ],
    ['escaped', gatewayRoutes.presets.path({ id: '../x' }), '/internal/cameras/..%2Fx/presets'],
  ])('builds the %s path from the pattern the gateway declares', (_name, built, expected) => {
    expect(built).toBe(expected);
  });

  it('spells the Redis keys the gateways coordinate through', () => {
    expect(leaseKey('p', 'c1')).toBe('p:lease:camera:c1');
    expect(gatewayKey('p', 'g1')).toBe('p:gateway:g1');
    expect(gatewayKeyPattern('p')).toBe('p:gateway:*');
    expect(discoveryKeys('p')).toEqual({
      devices: 'p:discovery:devices',
      scanning: 'p:discovery:scanning',
      startedAt: 'p:discovery:started-at',
    });
  });

  it.each([
    ['index.m3u8', true],
    ['seg_00001.ts', true],
    ['seg_1764600000.ts', true],
    ['seg_.ts', false],
    ['../index.m3u8', false],
    ['other.m3u8', false],
  ])('serves %s: %s', (file, ok) => {
    expect(isHlsFile(file)).toBe(ok);
  });

  it('refuses a probe answer missing its main stream', () => {
    const answer = { manufacturer: 'x', model: null, serialNumber: null, firmware: null, sub: null };
    expect(ProbeResultSchema.safeParse(answer).success).toBe(false);
  });
});
