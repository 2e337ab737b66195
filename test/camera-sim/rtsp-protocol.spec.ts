import net from 'node:net';
import { digestResponse, parseAuthParams } from '../../apps/camera-sim/src/digest';
import { CameraFleet } from '../../apps/camera-sim/src/fleet';
import { readClockSei } from '../../apps/camera-sim/src/media/h26x';
import { startFleet } from './support';

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
        this.channels.add(this.buf[1]!);
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
          return { status: Number(first!.split(' ')[1]), headers, body };
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
        this.channels.add(this.buf[1]!);
        this.packets.push(this.buf.subarray(4, 4 + len));
        this.buf = this.buf.subarray(4 + len);
      }
      if (this.packets.length < n) await this.more();
    }
  }
}

describe('camera-sim RTSP wire protocol', () => {
  let fleet: CameraFleet;
  let client: RawRtsp | undefined;

  beforeAll(async () => {
    fleet = await startFleet({ count: 1, discovery: false });
  });
  afterAll(async () => {
    client?.socket.destroy();
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
    const { realm, nonce } = parseAuthParams(challenge.headers['www-authenticate']!.slice(7));
    const auth = (method: string, uri: string): string =>
      `Digest username="admin", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${digestResponse({
        username: 'admin',
        password: 'sim12345',
        realm: realm!,
        method,
        uri,
        nonce: nonce!,
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
    const session = setup.headers['session']!.split(';')[0]!;

    const play = await client.request('PLAY', url, { Session: session, Authorization: auth('PLAY', url) });
    expect(play.status).toBe(200);
    const info = {
      seq: /seq=(\d+)/.exec(play.headers['rtp-info']!)?.[1],
      rtptime: /rtptime=(\d+)/.exec(play.headers['rtp-info']!)?.[1],
    };
    await client.waitPackets(30);
    const first = client.packets[0]!;
    // On the channel the client asked for, starting exactly where RTP-Info said.
    expect([...client.channels]).toEqual([2]);
    expect(first[0]! >> 6).toBe(2);
    expect(first.readUInt16BE(2)).toBe(Number(info.seq));
    expect(first.readUInt32BE(4)).toBe(Number(info.rtptime));
    const nalTypes = client.packets.slice(0, 4).map((p) => p[12]! & 0x1f);
    expect(nalTypes.slice(0, 2)).toEqual([7, 8]); // SPS, PPS first: the client joined on a keyframe
    const sei = client.packets.find((p) => (p[12]! & 0x1f) === 6 && readClockSei(p.subarray(12)));
    const clock = readClockSei(sei!.subarray(12))!;
    expect(Math.abs(Date.now() - clock.wallClockMs)).toBeLessThan(60_000);
    expect(clock.rtp).toBe(sei!.readUInt32BE(4));
    // Sequence numbers are contiguous.
    const seqs = client.packets.map((p) => p.readUInt16BE(2));
    expect(seqs.every((s, i) => i === 0 || s === ((seqs[i - 1]! + 1) & 0xffff))).toBe(true);

    const teardown = await client.request('TEARDOWN', url, {
      Session: session,
      Authorization: auth('TEARDOWN', url),
    });
    expect(teardown.status).toBe(200);
  });
});
