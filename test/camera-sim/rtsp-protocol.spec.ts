import net from 'node:net';
import { digestResponse, parseAuthParams } from '../../apps/camera-sim/src/digest';
import { CameraFleet } from '../../apps/camera-sim/src/fleet';
import { readClockSei } from '../../apps/camera-sim/src/media/h26x';
import { startFleet, until } from './support';

/** A minimal RTSP client speaking the wire protocol, to check what ffmpeg does not show. */
class RawRtsp {
  private buf = Buffer.alloc(0);
  private cseq = 0;
  private waiters: Array<() => void> = [];
  readonly packets: Buffer[] = [];
  readonly channels = new Set<number>();
  readonly socket: net.Socket;

  constructor(port: number) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.waiters.splice(0).forEach((w) => w());
    });
  }

  private async more(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('RTSP read timeout')), 10_000);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Reads interleaved packets until a reply arrives, collecting the RTP on the way. */
  private async reply(): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    for (;;) {
      while (this.buf.length >= 4 && this.buf[0] === 0x24) {
        const len = this.buf.readUInt16BE(2);
        if (this.buf.length < 4 + len) break;
        this.channels.add(this.buf[1]);
        this.packets.push(this.buf.subarray(4, 4 + len));
        this.buf = this.buf.subarray(4 + len);
      }
      const end = this.buf.indexOf('\r\n\r\n');
      if (this.buf[0] !== 0x24 && end >= 0) {
        const [first, ...lines] = this.buf.subarray(0, end).toString().split('\r\n');
        const headers: Record<string, string> = {};
        for (const l of lines)
          headers[l.slice(0, l.indexOf(':')).toLowerCase()] = l.slice(l.indexOf(':') + 1).trim();
        const len = Number(headers['content-length'] ?? 0);
        if (this.buf.length >= end + 4 + len) {
          const body = this.buf.subarray(end + 4, end + 4 + len).toString();
          this.buf = this.buf.subarray(end + 4 + len);
          return { status: Number(first.split(' ')[1]), headers, body };
        }
      }
      await this.more();
    }
  }

  async request(method: string, url: string, headers: Record<string, string> = {}) {
    const lines = [
      `${method} ${url} RTSP/1.0`,
      `CSeq: ${++this.cseq}`,
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    this.socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    return this.reply();
  }

  async waitPackets(n: number): Promise<void> {
    while (this.packets.length < n) {
      while (
        this.buf.length >= 4 &&
        this.buf[0] === 0x24 &&
        this.buf.length >= 4 + this.buf.readUInt16BE(2)
      ) {
        const len = this.buf.readUInt16BE(2);
        this.channels.add(this.buf[1]);
        this.packets.push(this.buf.subarray(4, 4 + len));
        this.buf = this.buf.subarray(4 + len);
      }
      if (this.packets.length < n) await this.more();
    }
  }
}

/** Digest-authenticated DESCRIBE, SETUP (TCP, given channels) and PLAY; returns what RTP-Info announced. */
async function play(
  client: RawRtsp,
  url: string,
  channels = '0-1',
): Promise<{ session: string; seq: number; rtptime: number; auth: (method: string, uri: string) => string }> {
  const challenge = await client.request('DESCRIBE', url, { Accept: 'application/sdp' });
  const { realm, nonce } = parseAuthParams(challenge.headers['www-authenticate'].slice(7));
  const auth = (method: string, uri: string): string =>
    `Digest username="admin", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${digestResponse({
      username: 'admin',
      password: 'sim12345',
      realm: realm,
      method,
      uri,
      nonce: nonce,
    })}"`;
  const describe = await client.request('DESCRIBE', url, { Authorization: auth('DESCRIBE', url) });
  const track = `${describe.headers['content-base']}trackID=1`;
  const setup = await client.request('SETUP', track, {
    Transport: `RTP/AVP/TCP;unicast;interleaved=${channels}`,
    Authorization: auth('SETUP', track),
  });
  const session = setup.headers['session'].split(';')[0];
  const reply = await client.request('PLAY', url, { Session: session, Authorization: auth('PLAY', url) });
  expect(reply.status).toBe(200);
  return {
    session,
    seq: Number(/seq=(\d+)/.exec(reply.headers['rtp-info'])?.[1]),
    rtptime: Number(/rtptime=(\d+)/.exec(reply.headers['rtp-info'])?.[1]),
    auth,
  };
}

/** H.264 NAL type of an RTP packet (the FU header's type for fragments). */
function h264Type(p: Buffer): number {
  const t = p[12] & 0x1f;
  return t === 28 ? p[13] & 0x1f : t;
}

const seqsContiguous = (packets: Buffer[]): boolean =>
  packets.every((p, i) => i === 0 || p.readUInt16BE(2) === ((packets[i - 1].readUInt16BE(2) + 1) & 0xffff));
const timestampsNonDecreasing = (packets: Buffer[]): boolean =>
  packets.every((p, i) => i === 0 || ((p.readUInt32BE(4) - packets[i - 1].readUInt32BE(4)) | 0) >= 0);

describe('camera-sim RTSP wire protocol', () => {
  let fleet: CameraFleet;
  let client: RawRtsp | undefined;
  const others: RawRtsp[] = [];

  beforeAll(async () => {
    fleet = await startFleet({ count: 2, ptzEvery: 0, discovery: false });
  });
  afterAll(async () => {
    client?.socket.destroy();
    for (const c of others) c.socket.destroy();
    await fleet?.stop();
  });

  it('Digest-authenticates, serves SDP, streams from a keyframe that carries the clock SEI', async () => {
    const cam = fleet.camera('cam-001')!;
    const url = cam.rtspUrl('main');
    client = new RawRtsp(fleet.rtspPort);
    const options = await client.request('OPTIONS', url);
    expect(options.headers['public']).toContain('DESCRIBE');

    const challenge = await client.request('DESCRIBE', url, { Accept: 'application/sdp' });
    expect(challenge.status).toBe(401);
    const { realm, nonce } = parseAuthParams(challenge.headers['www-authenticate'].slice(7));
    const auth = (method: string, uri: string): string =>
      `Digest username="admin", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${digestResponse({
        username: 'admin',
        password: 'sim12345',
        realm: realm,
        method,
        uri,
        nonce: nonce,
      })}"`;
    const describe = await client.request('DESCRIBE', url, {
      Accept: 'application/sdp',
      Authorization: auth('DESCRIBE', url),
    });
    expect(describe.status).toBe(200);
    expect(describe.headers['content-type']).toBe('application/sdp');
    expect(describe.body).toMatch(/a=rtpmap:96 H264\/90000/);
    expect(describe.body).toMatch(/sprop-parameter-sets=[A-Za-z0-9+/=]+,[A-Za-z0-9+/=]+/);

    const track = `${describe.headers['content-base']}trackID=1`;
    const udp = await client.request('SETUP', track, {
      Transport: 'RTP/AVP;unicast;client_port=5000-5001',
      Authorization: auth('SETUP', track),
    });
    expect(udp.status).toBe(461);
    const setup = await client.request('SETUP', track, {
      Transport: 'RTP/AVP/TCP;unicast;interleaved=2-3',
      Authorization: auth('SETUP', track),
    });
    expect(setup.status).toBe(200);
    expect(setup.headers['transport']).toContain('interleaved=2-3');
    const session = setup.headers['session'].split(';')[0];

    const play = await client.request('PLAY', url, { Session: session, Authorization: auth('PLAY', url) });
    expect(play.status).toBe(200);
    const info = {
      seq: /seq=(\d+)/.exec(play.headers['rtp-info'])?.[1],
      rtptime: /rtptime=(\d+)/.exec(play.headers['rtp-info'])?.[1],
    };
    await client.waitPackets(30);
    const first = client.packets[0];
    // On the channel the client asked for, starting exactly where RTP-Info said.
    expect([...client.channels]).toEqual([2]);
    expect(first[0] >> 6).toBe(2);
    expect(first.readUInt16BE(2)).toBe(Number(info.seq));
    expect(first.readUInt32BE(4)).toBe(Number(info.rtptime));
    const nalTypes = client.packets.slice(0, 4).map((p) => p[12] & 0x1f);
    expect(nalTypes.slice(0, 2)).toEqual([7, 8]); // SPS, PPS first: the client joined on a keyframe
    const sei = client.packets.find((p) => (p[12] & 0x1f) === 6 && readClockSei(p.subarray(12)));
    const clock = readClockSei(sei!.subarray(12))!;
    expect(Math.abs(Date.now() - clock.wallClockMs)).toBeLessThan(60_000);
    expect(clock.rtp).toBe(sei!.readUInt32BE(4));
    // Sequence numbers are contiguous.
    const seqs = client.packets.map((p) => p.readUInt16BE(2));
    expect(seqs.every((s, i) => i === 0 || s === ((seqs[i - 1] + 1) & 0xffff))).toBe(true);

    const teardown = await client.request('TEARDOWN', url, {
      Session: session,
      Authorization: auth('TEARDOWN', url),
    });
    expect(teardown.status).toBe(200);
  });

  it('a client joining a running stream mid-GOP starts at once on the cached keyframe, continuous with the live packets', async () => {
    const url = fleet.camera('cam-002')!.rtspUrl('main');
    const first = new RawRtsp(fleet.rtspPort);
    others.push(first);
    await play(first, url);
    // Let the stream run into its second GOP and past that GOP's keyframe.
    await first.waitPackets(1);
    const keyframes = (): number => first.packets.filter((p) => h264Type(p) === 7).length;
    while (keyframes() < 2 || h264Type(first.packets.at(-1)!) === 7)
      await first.waitPackets(first.packets.length + 1);

    const second = new RawRtsp(fleet.rtspPort);
    others.push(second);
    const info = await play(second, url, '4-5');
    const playedAt = Date.now();
    await second.waitPackets(40);
    const got = second.packets;
    expect([...second.channels]).toEqual([4]);
    // RTP-Info names the first packet, and it opens a keyframe (SPS first).
    expect(got[0].readUInt16BE(2)).toBe(info.seq);
    expect(got[0].readUInt32BE(4)).toBe(info.rtptime);
    expect(h264Type(got[0])).toBe(7);
    // The burst and the live packets after it are one stream: contiguous sequence numbers, RTP time
    // never going back, byte for byte the packets the first client got under the same numbers.
    expect(seqsContiguous(got)).toBe(true);
    expect(timestampsNonDecreasing(got)).toBe(true);
    await first.waitPackets(first.packets.length + 1);
    const common = first.packets.findIndex((p) => p.readUInt16BE(2) === info.seq);
    expect(common).toBeGreaterThan(0);
    for (let i = 0; i < 30; i++) expect(got[i].equals(first.packets[common + i])).toBe(true);
    // The bursted keyframe's clock SEI keeps the time it was first sent ("captured"), not the join time.
    const sei = got.find((p) => h264Type(p) === 6 && readClockSei(p.subarray(12)))!;
    const clock = readClockSei(sei.subarray(12))!;
    expect(clock.rtp).toBe(info.rtptime);
    // (it was already sent when PLAY was answered: the client did not wait for a new one).
    expect(clock.wallClockMs).toBeLessThanOrEqual(playedAt);
    expect(playedAt - clock.wallClockMs).toBeLessThan(60_000);
  });

  it('a client resuming an idle stream starts on a fresh keyframe with RTP time continuing', async () => {
    const url = fleet.camera('cam-002')!.rtspUrl('main');
    const before = (await fleet.streamClock('cam-002'))!;
    for (const c of others.splice(0)) c.socket.destroy();
    await until('cam-002 to have no clients', async () =>
      (await fleet.streamClock('cam-002'))?.clients === 0 ? true : undefined,
    );
    const idle = (await fleet.streamClock('cam-002'))!;
    expect(idle.rtpTimestamp).toBeGreaterThanOrEqual(before.rtpTimestamp);

    const c = new RawRtsp(fleet.rtspPort);
    others.push(c);
    const resumedAt = Date.now();
    const info = await play(c, url);
    await c.waitPackets(10);
    expect(h264Type(c.packets[0])).toBe(7);
    expect(c.packets[0].readUInt16BE(2)).toBe(info.seq);
    expect(c.packets[0].readUInt32BE(4)).toBe(info.rtptime);
    // RTP time moves on from where the stream stopped (one frame step later), it never jumps back.
    expect(((info.rtptime - idle.rtpTimestamp) | 0) > 0).toBe(true);
    expect(seqsContiguous(c.packets)).toBe(true);
    const sei = c.packets.find((p) => h264Type(p) === 6 && readClockSei(p.subarray(12)))!;
    expect(readClockSei(sei.subarray(12))!.wallClockMs).toBeGreaterThanOrEqual(resumedAt);
  });
});
