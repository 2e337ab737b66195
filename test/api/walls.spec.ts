import { randomUUID } from 'node:crypto';
import type { WallView } from '@xueliang/contracts';
import { bodyOf, login, startApi, TestApi } from '../support/api';

describe('camera walls are saved per user', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  it('saves, lists, replaces and deletes a wall; another user cannot see it', async () => {
    const duty = await login(api, 'duty');
    const other = await login(api, 'supervisor');
    const id = randomUUID();
    const camera = randomUUID();
    const saved = await duty.call(`/api/walls/${id}`, {
      method: 'PUT',
      json: { name: '主屏', tiles: 4, cameraIds: [camera], patrolSeconds: 30 },
    });
    expect(saved.status).toBe(200);
    expect(((await duty.call('/api/walls').then((r) => r.json())) as WallView[]).map((w) => w.id)).toEqual([
      id,
    ]);
    expect(await other.call('/api/walls').then((r) => r.json())).toEqual([]);
    expect(
      (await other.call(`/api/walls/${id}`, { method: 'PUT', json: { name: 'x', tiles: 1, cameraIds: [] } }))
        .status,
    ).toBe(404);

    const replaced = await duty.call(`/api/walls/${id}`, {
      method: 'PUT',
      json: { name: '主屏', tiles: 9, cameraIds: [] },
    });
    expect(((await replaced.json()) as WallView).tiles).toBe(9);
    expect((await duty.call(`/api/walls/${id}`, { method: 'DELETE' })).status).toBe(204);
  });

  it('rejects a wall with an unsupported tile count, naming the field', async () => {
    const duty = await login(api, 'duty');
    const res = await duty.call(`/api/walls/${randomUUID()}`, {
      method: 'PUT',
      json: { name: 'x', tiles: 6, cameraIds: [] },
    });
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).message).toMatch(/^tiles:/);
  });

  it('exposes the console configuration (no tile server by default)', async () => {
    const duty = await login(api, 'duty');
    const res = await duty.call('/api/config');
    expect(await res.json()).toEqual({ mapTileUrl: '', timezone: 'Asia/Shanghai' });
  });
});
