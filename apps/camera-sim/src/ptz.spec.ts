import { PtzState } from './ptz';

describe('PtzState', () => {
  let now = 0;
  const ptz = (): PtzState => {
    now = 1_000_000;
    return new PtzState(() => now);
  };

  it('moves at the continuous velocity until Stop', () => {
    const p = ptz();
    p.continuousMove({ x: 0.5, y: -0.25 });
    now += 1000;
    expect(p.position()).toEqual({ x: 0.5, y: -0.25, zoom: 0 });
    expect(p.moving().panTilt).toBe(true);
    p.stop();
    now += 1000;
    expect(p.position()).toEqual({ x: 0.5, y: -0.25, zoom: 0 });
    expect(p.moving()).toEqual({ panTilt: false, zoom: false });
  });

  it('clamps pan/tilt to [-1,1] and zoom to [0,1]', () => {
    const p = ptz();
    p.continuousMove({ x: 1, y: -1, zoom: -1 });
    now += 5000;
    expect(p.position()).toEqual({ x: 1, y: -1, zoom: 0 });
    expect(p.moving().panTilt).toBe(false);
  });

  it('stops by itself after the move timeout', () => {
    const p = ptz();
    p.continuousMove({ zoom: 0.5 }, 1000);
    now += 4000;
    expect(p.position().zoom).toBeCloseTo(0.5);
  });

  it('reaches an absolute target over time and reports MOVING until then', () => {
    const p = ptz();
    p.absoluteMove({ x: -0.5, y: 0.5, zoom: 1 });
    now += 100;
    expect(p.moving().panTilt).toBe(true);
    now += 2000;
    expect(p.position()).toEqual({ x: -0.5, y: 0.5, zoom: 1 });
    expect(p.moving()).toEqual({ panTilt: false, zoom: false });
  });

  it('relative moves add to the current position', () => {
    const p = ptz();
    p.absoluteMove({ x: 0.2, y: 0, zoom: 0 });
    now += 2000;
    p.relativeMove({ x: 0.1, y: -0.3 });
    now += 2000;
    const pos = p.position();
    expect(pos.x).toBeCloseTo(0.3);
    expect(pos.y).toBeCloseTo(-0.3);
  });

  it('stores, recalls and removes presets', () => {
    const p = ptz();
    p.absoluteMove({ x: 0.7, y: 0.1, zoom: 0.4 });
    now += 2000;
    const gate = p.setPreset('gate');
    p.absoluteMove({ x: 0, y: 0, zoom: 0 });
    now += 2000;
    expect(p.gotoPreset(gate.token)).toBe(true);
    now += 2000;
    expect(p.position()).toEqual({ x: 0.7, y: 0.1, zoom: 0.4 });
    expect(p.removePreset(gate.token)).toBe(true);
    expect(p.gotoPreset(gate.token)).toBe(false);
    expect(p.listPresets()).toEqual([]);
  });
});
