import * as platformConfig from '../../libs/platform/src/config';
import { APP_CONFIG } from '@xueliang/platform';
import { LoginRateLimiter } from '../../apps/api/src/auth/login-rate-limiter';
import { call, login, startApi, type TestApi } from '../support/api';
import { startTestGateway, type TestGateway } from '../cameras/support';

// Every caller of loadConfig, through the barrel or not, reaches this counting wrapper.
jest.mock('../../libs/platform/src/config', () => {
  const actual = jest.requireActual<typeof platformConfig>('../../libs/platform/src/config');
  return { ...actual, loadConfig: jest.fn(actual.loadConfig) };
});
const loadConfig = jest.mocked(platformConfig.loadConfig);

/**
 * The environment is parsed once per app, at boot: services take the parsed config from
 * APP_CONFIG instead of calling loadConfig themselves (in field initialisers or per request).
 */
describe('config is parsed once per app boot', () => {
  let api: TestApi | undefined;
  let gateway: TestGateway | undefined;

  afterAll(async () => {
    await gateway?.close();
    await api?.close();
  });

  it('the api parses it once and its services and requests use that one parse', async () => {
    loadConfig.mockClear();
    api = await startApi({ LOGIN_RATE_LIMIT: '7' });
    expect(loadConfig).toHaveBeenCalledTimes(1);
    const parsed = loadConfig.mock.results[0].value as platformConfig.AppConfig;
    expect(api.app.get(APP_CONFIG)).toBe(parsed);
    expect(api.app.get(LoginRateLimiter).limits.perUserAndAddress).toBe(7);

    // Requests that read settings (sign-in limits, console config, sessions) parse nothing again.
    const duty = await login(api, 'duty');
    expect((await duty.call('/api/config')).status).toBe(200);
    expect((await call(api, undefined, '/healthz')).status).toBe(200);
    expect(loadConfig).toHaveBeenCalledTimes(1);
  });

  it('a camera gateway parses it once too', async () => {
    loadConfig.mockClear();
    gateway = await startTestGateway('gw-config-once', { GATEWAY_BACKGROUND: 'false' });
    expect(loadConfig).toHaveBeenCalledTimes(1);
    expect(gateway.app.get(APP_CONFIG)).toMatchObject({ GATEWAY_ID: 'gw-config-once' });
  });
});
