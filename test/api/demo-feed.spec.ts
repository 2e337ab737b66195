import { newIntegrationKey, seedDemoCounty } from '@xueliang/db';
import { TEST_CREDENTIAL_KEY } from '../support/env';
import { call, login, startApi, TestApi } from '../support/api';

/** The one-command demo registers a key for the simulated checkpoints' pass feed (apps/launcher). */
describe('demo checkpoint feed key from the seed', () => {
  let api: TestApi;
  const key = newIntegrationKey();

  beforeAll(async () => {
    api = await startApi();
    await seedDemoCounty({
      databaseUrl: api.databaseUrl,
      credentialKey: TEST_CREDENTIAL_KEY,
      checkpointFeedKey: key,
    });
    // Seeding again must not add a second key.
    await seedDemoCounty({
      databaseUrl: api.databaseUrl,
      credentialKey: TEST_CREDENTIAL_KEY,
      checkpointFeedKey: key,
    });
  });
  afterAll(() => api.close());

  it('accepts passes posted with the seeded key and refuses other keys', async () => {
    const admin = await login(api, 'admin');
    const keys = (await (await admin.call('/api/integrations')).json()) as {
      source: string;
      prefix: string;
    }[];
    expect(keys.filter((k) => k.source === 'checkpoint' && key.startsWith(k.prefix))).toHaveLength(1);

    const tech = await login(api, 'technician');
    const created = await tech.call('/api/checkpoints', {
      method: 'POST',
      json: {
        code: 'KK-DEMO-1',
        name: '国道312线清泉卡口',
        regionId: tech.user.regionId,
        location: { lon: 101.1, lat: 38.8 },
        road: 'G312',
        direction: '东向西',
        lanes: 2,
      },
    });
    expect(created.status).toBe(201);
    const pass = { checkpointCode: 'KK-DEMO-1', passId: 'p-1', passedAt: new Date().toISOString(), lane: 1 };
    const post = (apiKey: string) =>
      call(api, undefined, '/api/checkpoints/passes', {
        method: 'POST',
        json: pass,
        headers: { 'x-api-key': apiKey },
      });
    expect((await post(key)).status).toBe(202);
    expect((await post(newIntegrationKey())).status).toBe(401);
  });
});
