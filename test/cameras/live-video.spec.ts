import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type { CameraFleet } from '../../apps/camera-sim/src/fleet';
import type { LiveSession } from '@xueliang/contracts';
import { AuditEntry, Camera } from '@xueliang/db';
import { DataSource } from 'typeorm';
import { HlsTokens } from '../../apps/api/src/live-video/hls-token';
import type { StreamManager } from '../../apps/camera-gateway/src/streams/stream-manager.service';
import { bodyOf, login, Session, startApi, TestApi } from '../support/api';
import {
  FFPROBE,
  insertSimCameras,
  openDb,
  pidAlive,
  startFleet,
  startTestGateway,
  TestGateway,
  until,
} from './support';

function ffprobe(file: string): Promise<{ codec: string; duration: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(FFPROBE, [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=codec_name:format=duration',
      '-of',
      'json',
      file,
    ]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const j = JSON.parse(out) as { streams: { codec_name: string }[]; format: { duration: string } };
      resolve({ codec: j.streams[0].codec_name, duration: Number(j.format.duration) });
    });
  });
}

/** A viewer polling the playlist like hls.js does. */
function watch(url: string): () => void {
  const t = setInterval(() => void fetch(url).catch(() => undefined), 300);
  return () => clearInterval(t);
}

describe('live video: ffmpeg RTSP → HLS behind signed tokens', () => {
  let fleet: CameraFleet;
  let api: TestApi;
  let gateway: TestGateway;
  let db: DataSource;
  let cameras: Camera[];
  let duty: Session;
  let dutyT1: Session;
  let streams: StreamManager;
  let tmp: string;

  beforeAll(async () => {
    fleet = await startFleet({ count: 4, ptzEvery: 0, h265: [2, 3] });
    api = await startApi({ LIVE_TOKEN_TTL_S: '120', GATEWAY_BACKGROUND: 'false' });
    gateway = await startTestGateway('gw-live', {
      MAX_STREAMS: '2',
      MAX_TRANSCODES: '1',
      GATEWAY_BACKGROUND: 'false',
    });
    const { StreamManager } = await import('../../apps/camera-gateway/src/streams/stream-manager.service');
    streams = gateway.app.get(StreamManager);
    db = await openDb(api.databaseUrl);
    cameras = await insertSimCameras(db, fleet, '清泉镇');
    [duty, dutyT1] = await Promise.all([login(api, 'duty'), login(api, 'duty_t1')]);
    tmp = await mkdtemp(path.join(os.tmpdir(), 'xl-live-'));
  });

  afterAll(async () => {
    await gateway?.close();
    await api?.close();
    await db?.destroy();
    await fleet?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  let session: LiveSession;
  const cam = () => cameras[0];

  it('answers a live request once the playlist is playable, and audits the view', async () => {
    const res = await dutyT1.call(`/api/cameras/${cam().id}/live`, {
      method: 'POST',
      json: { stream: 'sub' },
    });
    expect(res.status).toBe(200);
    session = (await res.json()) as LiveSession;
    expect(session.hlsUrl).toMatch(new RegExp(`^/api/hls/${cam().id}/sub/index\\.m3u8\\?token=`));
    expect(Date.parse(session.expiresAt)).toBeGreaterThan(Date.now());
    expect(
      await db.getRepository(AuditEntry).countBy({ action: 'camera.live_view', targetId: cam().id }),
    ).toBe(1);
  });

  it('serves segments that ffprobe reads as ~1 s of H.264, token carried onto segment URIs', async () => {
    const playlist = await (await fetch(`${api.url}${session.hlsUrl}`)).text();
    expect(playlist).toContain('#EXTM3U');
    const token = new URL(session.hlsUrl, api.url).searchParams.get('token')!;
    const segments = playlist.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(segments.length).toBeGreaterThan(0);
    for (const s of segments)
      expect(s).toMatch(new RegExp(`^seg_\\d+\\.ts\\?token=${token.replace('.', '\\.')}$`));
    const segUrl = `${api.url}/api/hls/${cam().id}/sub/${segments[0]}`;
    const seg = await fetch(segUrl);
    expect(seg.status).toBe(200);
    const file = path.join(tmp, 'seg.ts');
    await writeFile(file, Buffer.from(await seg.arrayBuffer()));
    const probe = await ffprobe(file);
    expect(probe.codec).toBe('h264');
    expect(probe.duration).toBeGreaterThan(0.5);
    expect(probe.duration).toBeLessThan(2.5);
  });

  it('refuses a missing, forged or expired token', async () => {
    const base = `${api.url}/api/hls/${cam().id}/sub/index.m3u8`;
    expect((await fetch(base)).status).toBe(401);
    expect((await fetch(`${base}?token=123.${'A'.repeat(43)}`)).status).toBe(401);
    const expired = new HlsTokens('test-secret-that-is-long-enough').sign(
      cam().id,
      'sub',
      new Date(Date.now() - 1000),
    );
    expect((await fetch(`${base}?token=${expired}`)).status).toBe(403);
    // A token for one camera opens no other.
    const token = new URL(session.hlsUrl, api.url).searchParams.get('token')!;
    expect((await fetch(`${api.url}/api/hls/${cameras[1].id}/sub/index.m3u8?token=${token}`)).status).toBe(
      401,
    );
  });

  it('shares one ffmpeg between viewers', async () => {
    const before = streams.get(cam().id, 'sub')!.pid;
    const res = await duty.call(`/api/cameras/${cam().id}/live`, { method: 'POST', json: { stream: 'sub' } });
    expect(res.status).toBe(200);
    expect(streams.get(cam().id, 'sub')!.pid).toBe(before);
    expect(streams.list()).toHaveLength(1);
  });

  it('restarts a killed ffmpeg', async () => {
    const first = streams.get(cam().id, 'sub')!;
    process.kill(first.pid!, 'SIGKILL');
    const next = await until('a restarted ffmpeg after SIGKILL', () => {
      // Keep the viewer "watching" so the idle sweeper leaves it alone.
      void fetch(`${api.url}${session.hlsUrl}`);
      const s = streams.get(cam().id, 'sub');
      return s && s.pid && s.pid !== first.pid && s.restarts >= 1 ? s : undefined;
    });
    expect(pidAlive(next.pid!)).toBe(true);
    expect(next.lastExit).toMatch(/SIGKILL/);
  });

  it('marks the restart with EXT-X-DISCONTINUITY, keeps numbering segments on, and dates every segment', async () => {
    // Its own viewer, watching throughout, so the stream is running whatever came before.
    const res = await duty.call(`/api/cameras/${cam().id}/live`, { method: 'POST', json: { stream: 'sub' } });
    expect(res.status).toBe(200);
    const url = `${api.url}${((await res.json()) as LiveSession).hlsUrl}`;
    const stopWatching = watch(url);
    let playlist: string;
    try {
      const before = streams.get(cam().id, 'sub')!;
      process.kill(before.pid!, 'SIGKILL');
      // The restarted ffmpeg appends to the playlist: the seam is tagged (RFC 8216 4.3.2.3).
      playlist = await until('a playlist with the restart seam and a segment after it', async () => {
        const text = await (await fetch(url)).text();
        return /#EXT-X-DISCONTINUITY\n(#EXT-X-PROGRAM-DATE-TIME:[^\n]*\n)?#EXTINF:[^\n]*\n(#EXT-X-PROGRAM-DATE-TIME:[^\n]*\n)?seg_/.test(
          text,
        )
          ? text
          : undefined;
      });
    } finally {
      stopWatching();
    }
    const lines = playlist.split('\n');
    const numbers = lines.filter((l) => l.startsWith('seg_')).map((l) => Number(/^seg_(\d+)/.exec(l)![1]));
    // One numbering across the restart: a player never sees a number twice or going back.
    numbers.forEach((n, i) => i > 0 && expect(n).toBe(numbers[i - 1] + 1));
    expect(Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(playlist)![1])).toBe(numbers[0]);
    // Every segment carries its wall-clock time.
    const dated = lines.filter((l) => l.startsWith('#EXT-X-PROGRAM-DATE-TIME:'));
    expect(dated).toHaveLength(numbers.length);
    for (const d of dated)
      expect(Date.parse(d.slice(25).replace(/([+-]\d\d)(\d\d)$/, '$1:$2'))).not.toBeNaN();
  });

  it('restarts a stalled ffmpeg (alive, but no new segments)', async () => {
    const first = streams.get(cam().id, 'sub')!;
    const stopWatching = watch(`${api.url}${session.hlsUrl}`);
    try {
      process.kill(first.pid!, 'SIGSTOP');
      const next = await until(
        'a new ffmpeg after the stalled one',
        () => {
          const s = streams.get(cam().id, 'sub');
          return s && s.pid && s.pid !== first.pid ? s : undefined;
        },
        30_000,
      );
      expect(pidAlive(first.pid!)).toBe(false);
      expect(next.stderr.join('\n')).toMatch(/stalled/);
    } finally {
      stopWatching();
    }
  });

  it('says clearly when the gateway is at stream capacity', async () => {
    // Viewers keep both streams busy meanwhile (the idle timeout is 2 s in tests).
    const stopWatching = watch(`${api.url}${session.hlsUrl}`);
    try {
      const main = await duty.call(`/api/cameras/${cam().id}/live`, {
        method: 'POST',
        json: { stream: 'main' },
      });
      expect(main.status).toBe(200);
      const stopMain = watch(`${api.url}${((await main.json()) as LiveSession).hlsUrl}`);
      try {
        const res = await duty.call(`/api/cameras/${cameras[1].id}/live`, {
          method: 'POST',
          json: { stream: 'sub' },
        });
        expect(res.status).toBe(503);
        const body = await bodyOf(res);
        expect(body.message).toBe('gateway at stream capacity');
        expect(body.code).toBe('gateway_capacity');
      } finally {
        stopMain();
      }
    } finally {
      stopWatching();
    }
  });

  it('keeps the gateway API to holders of the internal token; health and metrics are open', async () => {
    expect((await fetch(`${gateway.url}/internal/streams`)).status).toBe(401);
    expect(
      (await fetch(`${gateway.url}/internal/streams`, { headers: { 'x-internal-token': 'guess' } })).status,
    ).toBe(401);
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/^xl_gateway_streams \d+/m);
  });

  it('transcodes an H.265 camera to H.264 (and only that one)', async () => {
    // Capacity is 2 and the idle sweep needs a moment: wait until the earlier streams are gone.
    await until('every live stream to idle out', () => streams.list().length === 0, 20_000);
    const h265 = cameras[2];
    expect(h265.videoCodec).toBe('h265');
    const res = await duty.call(`/api/cameras/${h265.id}/live`, { method: 'POST', json: { stream: 'sub' } });
    expect(res.status).toBe(200);
    const live = (await res.json()) as LiveSession;
    expect(streams.get(h265.id, 'sub')?.transcoding).toBe(true);
    const playlist = await (await fetch(`${api.url}${live.hlsUrl}`)).text();
    const seg = playlist.split('\n').find((l) => l && !l.startsWith('#'))!;
    const file = path.join(tmp, 'h265.ts');
    await writeFile(
      file,
      Buffer.from(await (await fetch(`${api.url}/api/hls/${h265.id}/sub/${seg}`)).arrayBuffer()),
    );
    expect((await ffprobe(file)).codec).toBe('h264');
  });

  it('caps transcoded streams separately (MAX_TRANSCODES=1) but never refuses a viewer joining one', async () => {
    const [first, second] = [cameras[2], cameras[3]];
    expect(second.videoCodec).toBe('h265');
    // Start from nothing: the previous test's stream stops once idle.
    await until('every live stream to idle out', () => streams.list().length === 0, 20_000);
    const live = (c: Camera, who: Session = duty) =>
      who.call(`/api/cameras/${c.id}/live`, { method: 'POST', json: { stream: 'sub' } });

    const res = await live(first, dutyT1);
    expect(res.status).toBe(200);
    const stopWatching = watch(`${api.url}${((await res.json()) as LiveSession).hlsUrl}`);
    try {
      const pid = streams.get(first.id, 'sub')!.pid;
      expect(streams.get(first.id, 'sub')!.transcoding).toBe(true);
      // A second viewer of the same camera shares its ffmpeg: no new transcode, not refused.
      expect((await live(first)).status).toBe(200);
      expect(streams.get(first.id, 'sub')!.pid).toBe(pid);
      expect(streams.transcodeCount()).toBe(1);

      // A second H.265 camera would be a second transcode: 503 with its own code, although
      // MAX_STREAMS (2) still has room.
      const refused = await live(second);
      expect(refused.status).toBe(503);
      const body = await bodyOf(refused);
      expect(body.code).toBe('gateway_transcode_capacity');
      expect(body.message).toMatch(/^gateway at transcoding capacity: .*MAX_TRANSCODES/);
      expect(streams.get(second.id, 'sub')).toBeUndefined();
      // Copied (H.264) streams are not held back by the transcode cap.
      expect((await live(cameras[0])).status).toBe(200);
      const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
      expect(metrics).toMatch(/^xl_gateway_transcodes 1$/m);
      expect(metrics).toMatch(/^xl_gateway_streams 2$/m);
    } finally {
      stopWatching();
    }

    // Once the first stops (idle: nobody watches it any more), the slot is free again.
    await until('every live stream to idle out', () => streams.list().length === 0, 20_000);
    const after = await live(second);
    expect(after.status).toBe(200);
    expect(streams.get(second.id, 'sub')?.transcoding).toBe(true);
    expect(streams.transcodeCount()).toBe(1);
  });

  it('stops idle streams and leaves no ffmpeg behind', async () => {
    const pids = streams.list().map((s) => s.pid!);
    expect(pids.length).toBeGreaterThan(0);
    await until('every live stream to stop', () => streams.list().length === 0, 20_000);
    // SIGTERM → wait → SIGKILL: give the stop its grace period, then nothing may be left.
    await until('every ffmpeg to exit', () => pids.every((pid) => !pidAlive(pid)), 5_000);
    for (const pid of pids) expect(pidAlive(pid)).toBe(false);
    // A player still holding a valid token starts it again with its next playlist request (that
    // is how a viewer rides out a gateway restart); it idles out again once nobody asks.
    expect((await fetch(`${api.url}${session.hlsUrl}`)).status).toBe(200);
    await until('the restarted stream to idle out', () => streams.list().length === 0, 20_000);
  });
});
