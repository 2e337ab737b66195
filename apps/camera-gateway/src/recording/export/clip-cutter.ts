import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { Injectable } from '@nestjs/common';
import { type AppConfig, InjectConfig } from '@xueliang/platform';

export interface CutRequest {
  /** Absolute paths of the segments, in time order. */
  segments: string[];
  /** Seconds into the concatenation where the clip starts (snapped back to a keyframe by ffmpeg). */
  offsetSeconds: number;
  durationSeconds: number;
  /** Where the concat list is written. */
  listFile: string;
  output: string;
  /** 'hevc' gets the hvc1 tag players expect in MP4. */
  codec: string | null;
  /** 0..1 of this clip, as ffmpeg reports it. */
  onProgress?: (fraction: number) => void;
}

/** The ffmpeg step of an export, behind an interface so a unit test could replace it. */
export interface ClipCutter {
  cut(request: CutRequest): Promise<void>;
}

/** ffmpeg's concat demuxer in copy mode (no re-encode), trimmed, into a faststart MP4. */
export function cutArgs(r: CutRequest): string[] {
  return [
    ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'],
    ...['-f', 'concat', '-safe', '0'],
    ...(r.offsetSeconds > 0 ? ['-ss', r.offsetSeconds.toFixed(3)] : []),
    ...['-i', r.listFile],
    ...['-t', r.durationSeconds.toFixed(3)],
    ...['-map', '0:v:0', '-map', '0:a?', '-c', 'copy'],
    ...(r.codec === 'hevc' || r.codec === 'h265' ? ['-tag:v', 'hvc1'] : []),
    ...['-avoid_negative_ts', 'make_zero', '-movflags', '+faststart'],
    ...['-progress', 'pipe:1', '-nostats'],
    ...['-f', 'mp4', r.output],
  ];
}

/** The concat demuxer's list: one quoted absolute path per line. */
export function concatList(paths: string[]): string {
  return paths.map((p) => `file '${p.replace(/'/g, "'\\''")}'`).join('\n') + '\n';
}

@Injectable()
export class FfmpegClipCutter implements ClipCutter {
  private readonly ffmpeg: string;

  constructor(@InjectConfig() config: Pick<AppConfig, 'FFMPEG_PATH'>) {
    this.ffmpeg = config.FFMPEG_PATH;
  }

  async cut(r: CutRequest): Promise<void> {
    await writeFile(r.listFile, concatList(r.segments));
    await new Promise<void>((resolve, reject) => {
      const child = spawn(this.ffmpeg, cutArgs(r), { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const lines = out.split('\n');
        out = lines.pop() ?? '';
        for (const line of lines) {
          const m = /^out_time_us=(\d+)/.exec(line);
          if (m && r.durationSeconds > 0) {
            r.onProgress?.(Math.min(1, Number(m[1]) / 1e6 / r.durationSeconds));
          }
        }
      });
      child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
      child.on('error', reject);
      child.on('close', (code) => {
        // Segment paths are ours (no credentials); only the tail of ffmpeg's complaint is kept.
        if (code === 0) resolve();
        else reject(new Error(`ffmpeg exited with ${code}: ${err.trim().split('\n').slice(-2).join(' ')}`));
      });
    });
  }
}
