import { execFile } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { type AppConfig, InjectConfig } from '@xueliang/platform';

/** ffprobe's codec_name → ours: h264, h265, … (null when there is no video stream). */
export function codecOfProbe(json: string): string | null {
  try {
    const parsed = JSON.parse(json) as { streams?: { codec_name?: unknown }[] };
    const name = parsed.streams?.[0]?.codec_name;
    if (typeof name !== 'string' || !name) return null;
    return name === 'hevc' ? 'h265' : name.toLowerCase();
  } catch {
    return null;
  }
}

/** ffprobe beside ffmpeg: `ffmpeg` → `ffprobe`, `/usr/bin/ffmpeg` → `/usr/bin/ffprobe`. */
export function ffprobePathOf(ffmpegPath: string): string {
  const name = basename(ffmpegPath).replace(/ffmpeg/i, 'ffprobe');
  return dirname(ffmpegPath) === '.' && !ffmpegPath.includes('/') ? name : join(dirname(ffmpegPath), name);
}

/**
 * The codec of an RTSP stream from the stream itself: what the camera's ONVIF media service says
 * cannot be trusted (Media1 cannot even name H.265). Behind this small class so unit tests can
 * replace ffprobe; integration tests run the real one against the sim's streams.
 */
@Injectable()
export class StreamCodecProbe {
  private readonly ffprobe: string;

  constructor(@InjectConfig() config: Pick<AppConfig, 'FFMPEG_PATH'>) {
    this.ffprobe = ffprobePathOf(config.FFMPEG_PATH);
  }

  /** The video codec (h264, h265, …), or null when the stream cannot be read in time. */
  codecOf(rtspUrlWithCredentials: string, timeoutMs: number): Promise<string | null> {
    const args = [
      '-v',
      'error',
      '-rtsp_transport',
      'tcp',
      '-timeout',
      String(timeoutMs * 1000),
      '-analyzeduration',
      '500000',
      '-probesize',
      '65536',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=codec_name',
      '-of',
      'json',
      rtspUrlWithCredentials,
    ];
    return new Promise((resolve) => {
      execFile(this.ffprobe, args, { timeout: timeoutMs, killSignal: 'SIGKILL' }, (err, stdout) =>
        resolve(err ? null : codecOfProbe(stdout)),
      );
    });
  }
}
