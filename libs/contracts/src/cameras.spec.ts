import { onvifDeviceChanged, RegisterCameraSchema, UpdateCameraSchema } from './cameras';

describe('onvifDeviceChanged', () => {
  it.each<[string, string, boolean]>([
    ['http://10.0.0.5/onvif/device_service', 'http://10.0.0.5/onvif/device_service', false],
    // the same device: another path, the default port spelled out, host case
    ['http://10.0.0.5/onvif/device_service', 'http://10.0.0.5/onvif/other', false],
    ['http://10.0.0.5/onvif/device_service', 'http://10.0.0.5:80/onvif/device_service', false],
    ['http://CAM.local:8000/onvif', 'http://cam.local:8000/onvif', false],
    // another device: host, port or scheme
    ['http://10.0.0.5/onvif/device_service', 'http://10.0.0.6/onvif/device_service', true],
    ['http://10.0.0.5/onvif/device_service', 'http://10.0.0.5:8080/onvif/device_service', true],
    ['http://10.0.0.5/onvif/device_service', 'https://10.0.0.5/onvif/device_service', true],
    ['http://10.0.0.5/onvif/device_service', 'not a url', true],
  ])('%s → %s: %s', (stored, edited, changed) => {
    expect(onvifDeviceChanged(stored, edited)).toBe(changed);
  });
});

describe('onvifAddress', () => {
  const base = { regionId: '7f2c1d3e-8a4b-4c5d-9e6f-0a1b2c3d4e5f', location: { lon: 101, lat: 38 } };
  it.each<[string, boolean]>([
    ['http://10.0.0.5/onvif/device_service', true],
    ['https://cam.local:8443/onvif/device_service', true],
    ['http://admin:pw@10.0.0.5/onvif/device_service', false],
    ['http://admin@10.0.0.5/onvif/device_service', false],
    ['ftp://10.0.0.5/onvif', false],
    ['file:///etc/passwd', false],
  ])('%s accepted: %s', (onvifAddress, ok) => {
    const r = RegisterCameraSchema.safeParse({ ...base, onvifAddress });
    expect(r.success).toBe(ok);
    if (!r.success) {
      expect(r.error.issues[0].path).toEqual(['onvifAddress']);
      expect(JSON.stringify(r.error.issues)).not.toContain('pw@');
    }
    expect(UpdateCameraSchema.safeParse({ onvifAddress }).success).toBe(ok);
  });
});
