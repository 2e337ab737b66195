import { CameraNetworks, NO_ONVIF_DEVICE, resolveCameraHost } from './camera-networks';
import { OnvifError } from './onvif-error';

describe('CameraNetworks', () => {
  it.each<[string, string, boolean]>([
    ['', '8.8.8.8', true],
    ['any', '10.1.2.3', true],
    ['10.20.0.0/16', '10.20.255.1', true],
    ['10.20.0.0/16', '10.21.0.1', false],
    ['10.20.0.0/16, 192.168.8.0/24', '192.168.8.64', true],
    ['127.0.0.1', '127.0.0.1', true],
    ['127.0.0.1', '127.0.0.2', false],
    ['10.0.0.0/8', '::ffff:10.1.1.1', true],
    ['fd00::/8', 'fd12::1', true],
    ['fd00::/8', '10.0.0.1', false],
    ['10.0.0.0/8', 'not-an-address', false],
  ])('%p allows %s: %s', (spec, address, allowed) => {
    expect(CameraNetworks.parse(spec).allows(address)).toBe(allowed);
  });

  it.each(['10.0.0.0/33', 'camera.local/24', '10.0.0.0/x', '300.1.1.1/8'])('refuses %p', (spec) => {
    expect(() => CameraNetworks.parse(spec)).toThrow(/CIDR|prefix/);
  });
});

describe('resolveCameraHost', () => {
  const networks = CameraNetworks.parse('10.20.0.0/16');
  const lookups: string[] = [];
  const lookup = (addresses: string[]) => (host: string) => {
    lookups.push(host);
    return Promise.resolve(addresses.map((address) => ({ address, family: 4 })));
  };

  it('checks an address literal without a lookup', async () => {
    await expect(resolveCameraHost('10.20.1.5', networks, lookup([]))).resolves.toEqual(['10.20.1.5']);
    expect(lookups).toEqual([]);
  });

  it('resolves a name and checks every address it stands for', async () => {
    await expect(resolveCameraHost('cam.local', networks, lookup(['10.20.1.5']))).resolves.toEqual([
      '10.20.1.5',
    ]);
    const mixed = resolveCameraHost('cam.local', networks, lookup(['10.20.1.5', '172.16.0.1']));
    await expect(mixed).rejects.toMatchObject({ kind: 'not_allowed' });
  });

  it('refuses an address outside, naming it', async () => {
    const err = (await resolveCameraHost('172.16.0.1', networks).catch((e: unknown) => e)) as OnvifError;
    expect(err.kind).toBe('not_allowed');
    expect(err.message).toBe('172.16.0.1 is outside the camera networks (CAMERA_NETWORKS)');
  });

  it('a name that does not resolve is "nothing ONVIF there"', async () => {
    const failing = () =>
      Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' }));
    await expect(resolveCameraHost('nowhere.invalid', networks, failing)).rejects.toMatchObject({
      kind: 'not_onvif',
      message: NO_ONVIF_DEVICE,
    });
  });
});
