import { cpus } from 'node:os';
import { ConfigError } from '@xueliang/platform';
import { defaultMaxTranscodes, loadGatewaySettings } from './gateway.config';

describe('gateway settings: stream limits', () => {
  it('defaults MAX_TRANSCODES to 10 a CPU core, at least 2, and MAX_STREAMS to 64', () => {
    const s = loadGatewaySettings({});
    expect(s.MAX_STREAMS).toBe(64);
    expect(s.MAX_TRANSCODES).toBe(Math.max(2, cpus().length * 10));
    expect(defaultMaxTranscodes(1)).toBe(10);
    expect(defaultMaxTranscodes(2)).toBe(20);
    // os.cpus() can come back empty (some containers, unsupported platforms).
    expect(defaultMaxTranscodes(0)).toBe(2);
  });

  it('takes MAX_TRANSCODES from the environment', () => {
    expect(loadGatewaySettings({ MAX_TRANSCODES: '3' }).MAX_TRANSCODES).toBe(3);
  });

  it.each(['lots', '0', '-1', '2.5'])('refuses MAX_TRANSCODES=%s with an error naming it', (value) => {
    const load = () => loadGatewaySettings({ MAX_TRANSCODES: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/MAX_TRANSCODES/);
  });

  it('knows whether GATEWAY_URL was given (the platform default is not a choice): else the bound address is used', () => {
    expect(loadGatewaySettings({}).GATEWAY_URL).toBeUndefined();
    expect(loadGatewaySettings({ GATEWAY_URL: 'http://10.0.0.5:3020' }).GATEWAY_URL).toBe(
      'http://10.0.0.5:3020',
    );
  });
});
