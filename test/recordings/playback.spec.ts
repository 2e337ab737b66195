import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CameraFleet } from '../../apps/camera-sim/src/fleet';
import type { PlaybackSession, RecordingCoverage } from '@xueliang/contracts';
import { AuditEntry, Camera, RecordingSegment } from '@xueliang/db';
import { gatewayRoutes, INTERNAL_TOKEN_HEADER, internalToken } from '@xueliang/gateway-protocol';
import { DataSource } from 'typeorm';
import { PlaybackTokens } from '../../apps/api/src/playback/playback-token';
import { bodyOf, login, Session, startApi, TestApi } from '../support/api';
import { insertSimCameras, openDb, startFleet, startTestGateway, TestGateway } from '../cameras/support';
import {
  FixtureIndexer,
  firstClockMsOf,
  type IndexedSegment,
  recordRuns,
  type SimSource,
} from './support-playback';

const GATEWAY_ID = 'gw-playback';
const SEGMENT_SECONDS = 2;

function rtspWithCredentials(c: { rtsp: { sub: string }; username: string; password: string }): string {
  const u = new URL(c.rtsp.sub);
  u.username = c.username;
  u.password = c.password;
  return u.toString();
}

/** The segment URIs and tags of a playlist. */
function parsePlaylist(text: string): { uris: string[]; pdt: string[]; startOffset: number | null } {
  const lines = text.split('\n');
  const start = /#EXT-X-START:TIME-OFFSET=([\d.]+)/.exec(text);
  return {
    uris: lines.filter((l) => l && !l.startsWith('#')),
    pdt: lines.filter((l) => l.startsWith('#EXT-X-PROGRAM-DATE-TIME:')).map((l) => l.slice(25)),
    startOffset: start ? Number(start[1]) : null,
  };
}

describe('playback: coverage, signed VOD sessions and segment serving over real recordings', () => {
  let fleet: CameraFleet;
  let api: TestApi;
  let gateway: TestGateway;
  let db: DataSource;
  let root: string;
  let work: string;
  /** Camera A (清泉镇, H.264): two ffmpeg runs with a hole between. B (位奇镇, H.265): one run. */
  let camA: Camera;
  let camB: Camera;
  let runsA: IndexedSegment[][];
  let runsB: IndexedSegment[][];
  let duty: Session;
  let dutyT1: Session;
  let responderT1: Session;
  let sessionsStarted = 0;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'xl-playback-rec-'));
    work = await mkdtemp(path.join(os.tmpdir(), 'xl-playback-work-'));
    fleet = await startFleet({ count: 2, ptzEvery: 0, h265: [1] });
    api = await startApi({ GATEWAY_BACKGROUND: 'false' });
    gateway = await startTestGateway(GATEWAY_ID, { GATEWAY_BACKGROUND: 'false', RECORDINGS_DIR: root });
    db = await openDb(api.databaseUrl);
    const sims = fleet.list();
    [camA] = await insertSimCameras(db, { list: () => [sims[0]] } as CameraFleet, '清泉镇');
    [camB] = await insertSimCameras(db, { list: () => [sims[1]] } as CameraFleet, '位奇镇');
    const indexer = new FixtureIndexer(db, root, GATEWAY_ID);
    const sourceA: SimSource = { rtspUrl: rtspWithCredentials(sims[0]), codec: 'h264' };
    const sourceB: SimSource = { rtspUrl: rtspWithCredentials(sims[1]), codec: 'h265' };
    [runsA, runsB] = await Promise.all([
      recordRuns(indexer, work, sourceA, camA.id, { runs: 2, segments: 3, segmentSeconds: SEGMENT_SECONDS }),
      recordRuns(indexer, work, sourceB, camB.id, { runs: 1, segments: 2, segmentSeconds: SEGMENT_SECONDS }),
    ]);
    [duty, dutyT1, responderT1] = await Promise.all([
      login(api, 'duty'),
      login(api, 'duty_t1'),
      login(api, 'responder_t1'),
    ]);
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    await api?.close();
    await db?.destroy();
    await fleet?.stop();
    for (const dir of [root, work]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  const iso = (ms: number) => new Date(ms).toISOString();
  const allA = () => runsA.flat();

  async function startPlayback(
    who: Session,
    cameraId: string,
    from: number,
    to: number,
  ): Promise<PlaybackSession> {
    const res = await who.call(`/api/cameras/${cameraId}/playback`, {
      method: 'POST',
      json: { from: iso(from), to: iso(to), stream: 'sub' },
    });
    expect(res.status).toBe(200);
    sessionsStarted++;
    return (await res.json()) as PlaybackSession;
  }

  const get = (url: string) => fetch(`${api.url}${url}`);
  /** The URL of a file next to the session's playlist (what a player resolves a relative URI to). */
  const sibling = (s: PlaybackSession, file: string) => s.playlistUrl.replace(/index\.m3u8$/, file);

  it('lists the recorded spans, the gap between the two runs, and per-day and per-minute seconds', async () => {
    const from = allA()[0].startAt.getTime() - 30_000;
    const to = allA().at(-1)!.endAt.getTime() + 30_000;
    const res = await dutyT1.call(
      `/api/cameras/${camA.id}/recordings?from=${iso(from)}&to=${iso(to)}&stream=sub`,
    );
    expect(res.status).toBe(200);
    const cov = (await res.json()) as RecordingCoverage;
    expect(cov.spans).toEqual(
      runsA.map((run) => ({ start: run[0].startAt.toISOString(), end: run.at(-1)!.endAt.toISOString() })),
    );
    expect(cov.gaps).toEqual([
      {
        start: runsA[0].at(-1)!.endAt.toISOString(),
        end: runsA[1][0].startAt.toISOString(),
        reason: 'ffmpeg_exit',
      },
    ]);
    const recorded = runsA.reduce(
      (sum, run) => sum + (run.at(-1)!.endAt.getTime() - run[0].startAt.getTime()),
      0,
    );
    const daySum = cov.days.reduce((s, d) => s + d.recordedSeconds, 0);
    expect(daySum).toBeCloseTo(recorded / 1000, 2);
    // Local days of Asia/Shanghai (the platform default), not UTC days.
    const localDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(from));
    expect(cov.days[0].date).toBe(localDay);
    expect(cov.minutes!.reduce((s, m) => s + m.recordedSeconds, 0)).toBeCloseTo(recorded / 1000, 2);
    // Without a stream, both streams count (only sub is recorded here).
    const both = await dutyT1.call(`/api/cameras/${camA.id}/recordings?from=${iso(from)}&to=${iso(to)}`);
    expect(((await both.json()) as RecordingCoverage).spans).toEqual(cov.spans);
  });

  it('serves a VOD playlist with wall clock per segment, a discontinuity at the gap and an end', async () => {
    const from = allA()[0].startAt.getTime();
    const to = allA().at(-1)!.endAt.getTime();
    const session = await startPlayback(dutyT1, camA.id, from, to);
    expect(session).toMatchObject({ cameraId: camA.id, stream: 'sub', codec: 'h264', browserPlayable: true });
    expect(session.firstRecordedAt).toBe(iso(from));
    const res = await get(session.playlistUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('mpegurl');
    const text = await res.text();
    expect(text).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    expect(text).toMatch(/#EXT-X-TARGETDURATION:\d+/);
    expect(text.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
    expect(text.match(/#EXT-X-DISCONTINUITY\n/g)).toHaveLength(1);
    const { uris, pdt } = parsePlaylist(text);
    // Segment URIs are ids, relative to the playlist (the token rides in its path): no file paths.
    expect(uris).toEqual(allA().map((s) => `${s.id}.ts`));
    expect(pdt).toEqual(allA().map((s) => s.startAt.toISOString()));
    // The discontinuity sits right before the first segment of the second run.
    const lines = text.split('\n');
    const disc = lines.indexOf('#EXT-X-DISCONTINUITY');
    expect(lines.slice(disc, disc + 4)).toContain(`${runsA[1][0].id}.ts`);
    // Every listed segment is served, as recorded.
    const seg = await get(sibling(session, uris[0]));
    expect(seg.status).toBe(200);
    expect(seg.headers.get('content-type')).toBe('video/mp2t');
    expect(Buffer.from(await seg.arrayBuffer())[0]).toBe(0x47); // MPEG-TS sync byte
  });

  it('plays a range from T starting with a frame whose wall clock is within 1 s of T', async () => {
    // T inside the second segment of the first run, not on a segment boundary.
    const T = runsA[0][1].startAt.getTime() + 1300;
    const session = await startPlayback(dutyT1, camA.id, T, T + 5000);
    const { uris, pdt, startOffset } = parsePlaylist(await (await get(session.playlistUrl)).text());
    expect(uris[0]).toBe(`${runsA[0][1].id}.ts`);
    expect(startOffset).not.toBeNull();
    const bytes = Buffer.from(await (await get(sibling(session, uris[0]))).arrayBuffer());
    const firstFrameClock = await firstClockMsOf(bytes, 'h264', work);
    // The segment's first keyframe is its PDT, and the player starts TIME-OFFSET into it.
    expect(Math.abs(firstFrameClock - Date.parse(pdt[0]))).toBeLessThan(1000);
    expect(Math.abs(firstFrameClock + startOffset! * 1000 - T)).toBeLessThan(1000);
    expect(Date.parse(session.firstRecordedAt!)).toBe(T);
  });

  it('marks H.265 footage as not playable in a browser (served as recorded)', async () => {
    const seg = runsB[0][0];
    const session = await startPlayback(duty, camB.id, seg.startAt.getTime(), seg.endAt.getTime());
    expect(session).toMatchObject({ codec: 'hevc', browserPlayable: false });
  });

  it('keeps a township user out of another township’s footage, by REST and by role', async () => {
    const range = `from=${iso(runsB[0][0].startAt.getTime())}&to=${iso(runsB[0][0].endAt.getTime())}`;
    expect((await dutyT1.call(`/api/cameras/${camB.id}/recordings?${range}`)).status).toBe(404);
    const play = await dutyT1.call(`/api/cameras/${camB.id}/playback`, {
      method: 'POST',
      json: { from: runsB[0][0].startAt.toISOString(), to: runsB[0][0].endAt.toISOString() },
    });
    expect(play.status).toBe(404);
    // A role that may not watch video at all.
    const resp = await responderT1.call(`/api/cameras/${camA.id}/recordings?${range}`);
    expect(resp.status).toBe(403);
  });

  it('refuses token reuse on another camera or stream, segments outside the range, guessed ids and paths', async () => {
    const run1 = runsA[0];
    const session = await startPlayback(
      dutyT1,
      camA.id,
      run1[0].startAt.getTime(),
      run1.at(-1)!.endAt.getTime(),
    );
    const token = session.playlistUrl.split('/')[5];
    // Camera A's token on camera B's playlist and segments: the signature names camera A.
    expect((await get(`/api/playback/${camB.id}/sub/${token}/index.m3u8`)).status).toBe(401);
    expect((await get(`/api/playback/${camB.id}/sub/${token}/${runsB[0][0].id}.ts`)).status).toBe(401);
    // Another stream of the same camera.
    expect((await get(`/api/playback/${camA.id}/main/${token}/index.m3u8`)).status).toBe(401);
    // A stretched range: the range is signed.
    const [, to, exp, sig] = token.split('.');
    expect((await get(`/api/playback/${camA.id}/sub/0.${to}.${exp}.${sig}/index.m3u8`)).status).toBe(401);
    // B's segment id through A's valid URL, a segment of A outside the range, ids nobody has.
    for (const file of [`${runsB[0][0].id}.ts`, `${runsA[1][0].id}.ts`, '99999999.ts', '0.ts', 'abc.ts']) {
      const res = await get(sibling(session, file));
      expect({ file, status: res.status }).toEqual({ file, status: 404 });
    }
    // Paths instead of ids.
    for (const file of [
      '..%2F..%2Fetc%2Fpasswd',
      encodeURIComponent(run1[0].path),
      '%2e%2e',
      `${run1[0].id}.ts%00`,
    ]) {
      const res = await get(sibling(session, file));
      expect({ file, refused: [400, 404].includes(res.status) }).toEqual({ file, refused: true });
    }
    // No token at all, and a made-up one.
    expect((await get(`/api/playback/${camA.id}/sub/x/index.m3u8`)).status).toBe(401);
    const ok = await get(sibling(session, `${run1[0].id}.ts`));
    expect(ok.status).toBe(200);
  });

  it('refuses an expired token', async () => {
    const tokens = new PlaybackTokens(process.env.JWT_SECRET!);
    const seg = runsA[0][0];
    const expired = tokens.sign(camA.id, 'sub', seg.startAt, seg.endAt, new Date(Date.now() - 1000));
    const res = await get(`/api/playback/${camA.id}/sub/${expired}/index.m3u8`);
    expect(res.status).toBe(403);
    expect((await bodyOf(res)).message).toMatch(/expired/);
    expect((await get(`/api/playback/${camA.id}/sub/${expired}/${seg.id}.ts`)).status).toBe(403);
  });

  it('gateway: segments only by id through the index, inside RECORDINGS_DIR, with the internal token', async () => {
    const internal = { [INTERNAL_TOKEN_HEADER]: internalToken(process.env.JWT_SECRET!) };
    const url = (id: string) => `${gateway.url}${gatewayRoutes.recordingSegment.path({ id })}`;
    const seg = runsA[0][0];
    expect((await fetch(url(seg.id))).status).toBe(401);
    expect((await fetch(url(seg.id), { headers: internal })).status).toBe(200);
    // Index rows that point outside the directory (a tampered index) are not served.
    const outside = path.join(os.tmpdir(), `xl-playback-outside-${process.pid}.ts`);
    await writeFile(outside, 'secret');
    await symlink(outside, path.join(root, 'link.ts'));
    const repo = db.getRepository(RecordingSegment);
    const bad: string[] = [];
    for (const p of ['../../../etc/passwd', outside, 'link.ts', camA.id]) {
      const { id: _id, ...copy } = await repo.findOneByOrFail({ id: seg.id });
      const row = await repo.save({
        ...copy,
        path: p,
        startAt: new Date(0),
        endAt: new Date(1),
        chainDay: '1970-01-01',
      });
      bad.push(row.id);
    }
    try {
      for (const id of [...bad, '99999999', 'abc', '..%2F..%2Fetc%2Fpasswd']) {
        const res = await fetch(url(id), { headers: internal });
        expect({ id, status: res.status }).toEqual({ id, status: 404 });
        expect(await res.text()).not.toContain('secret');
      }
    } finally {
      await repo.delete(bad);
      await rm(outside, { force: true });
    }
  });

  it('reads a segment through any live gateway when the one that wrote it is gone (shared storage)', async () => {
    const seg = runsA[1][0];
    await db.getRepository(RecordingSegment).update({ id: seg.id }, { gatewayId: 'gw-decommissioned' });
    const session = await startPlayback(dutyT1, camA.id, seg.startAt.getTime(), seg.endAt.getTime());
    expect((await get(sibling(session, `${seg.id}.ts`))).status).toBe(200);
  });

  it('answers bad input with a 400 naming the field', async () => {
    const cases: [string, RequestInit & { json?: unknown }, string][] = [
      [`/api/cameras/${camA.id}/recordings?to=${iso(Date.now())}`, {}, 'from'],
      [`/api/cameras/${camA.id}/recordings?from=yesterday&to=${iso(Date.now())}`, {}, 'from'],
      [`/api/cameras/${camA.id}/recordings?from=${iso(Date.now())}&to=${iso(Date.now() - 1000)}`, {}, 'to'],
      [`/api/cameras/${camA.id}/recordings?from=${iso(0)}&to=${iso(40 * 86_400_000)}`, {}, 'to'],
      [`/api/cameras/${camA.id}/recordings?from=${iso(0)}&to=${iso(1000)}&stream=hd`, {}, 'stream'],
      [`/api/cameras/${camA.id}/playback`, { method: 'POST', json: { to: iso(1000) } }, 'from'],
      [
        `/api/cameras/${camA.id}/playback`,
        { method: 'POST', json: { from: iso(0), to: iso(25 * 3_600_000) } },
        'to',
      ],
      [
        `/api/cameras/${camA.id}/playback`,
        { method: 'POST', json: { from: iso(0), to: iso(1000), stream: 'hd' } },
        'stream',
      ],
    ];
    for (const [url, init, field] of cases) {
      const res = await dutyT1.call(url, init);
      const body = await bodyOf(res);
      expect({ url, status: res.status, fields: body.issues.map((i) => i.path) }).toEqual({
        url,
        status: 400,
        fields: expect.arrayContaining([field]) as unknown,
      });
    }
    expect((await dutyT1.call('/api/cameras/not-a-uuid/recordings?from=x&to=y')).status).toBe(400);
  });

  it('audits every playback session with camera and range', async () => {
    const entries = await db.getRepository(AuditEntry).findBy({ action: 'recording.playback' });
    expect(entries).toHaveLength(sessionsStarted);
    for (const e of entries) {
      expect(e.detail).toMatchObject({ stream: 'sub', from: expect.any(String), to: expect.any(String) });
      expect([camA.id, camB.id]).toContain(e.targetId);
    }
  });
});
