import { join } from 'node:path';
import type { FfmpegCommand } from '../../streams/ffmpeg-args';

/** ffmpeg's segment list in a run directory: one CSV line per CLOSED segment. */
export const SEGMENT_LIST = 'segments.csv';
/** In-progress names ffmpeg writes; renamed to their final name only once closed and hashed. */
export const WORK_SEGMENT_PATTERN = /^seg\d{6,}\.ts$/;
const WORK_SEGMENT_TEMPLATE = 'seg%06d.ts';

export interface RecordCommandSpec {
  /** RTSP URI with credentials already embedded (never logged: the runner redacts). */
  inputUrl: string;
  /** The run directory: ffmpeg writes its segments and list here. */
  runDir: string;
  segmentSeconds: number;
  rtspTimeoutMs?: number;
}

/**
 * RTSP over TCP in, MPEG-TS segments out, copy mode (H.264 and H.265 alike: nothing is
 * re-encoded). The segment muxer cuts on the first keyframe after each segmentSeconds and
 * appends `file,start,end` to the CSV list when a segment is closed; timestamps are not reset,
 * so start/end are on one timeline for the whole run and can be mapped to wall-clock time
 * (wall-clock.ts). The stats line (`time=`) is left on: it is how the recorder anchors that
 * timeline to the wall clock.
 */
export function buildRecordCommand(spec: RecordCommandSpec): FfmpegCommand {
  const inputOptions = [
    '-rtsp_transport',
    'tcp',
    '-analyzeduration',
    '100000',
    '-probesize',
    '32768',
    '-fflags',
    '+genpts',
  ];
  if (spec.rtspTimeoutMs) inputOptions.push('-timeout', String(spec.rtspTimeoutMs * 1000));
  const outputOptions = [
    '-map',
    '0:v:0',
    '-an',
    '-c:v',
    'copy',
    '-f',
    'segment',
    '-segment_format',
    'mpegts',
    '-segment_time',
    String(spec.segmentSeconds),
    '-reset_timestamps',
    '0',
    '-segment_list',
    join(spec.runDir, SEGMENT_LIST),
    '-segment_list_type',
    'csv',
  ];
  return {
    input: spec.inputUrl,
    inputOptions,
    outputOptions,
    output: join(spec.runDir, WORK_SEGMENT_TEMPLATE),
  };
}

/** One closed segment as ffmpeg listed it: times in seconds on the run's output timeline. */
export interface ListedSegment {
  file: string;
  start: number;
  end: number;
}

/** Complete lines of the CSV list (`file,start,end`, file possibly quoted); the rest is ignored. */
export function parseSegmentList(text: string): ListedSegment[] {
  const out: ListedSegment[] = [];
  for (const line of text.split('\n')) {
    const m = /^"?([^",]+)"?,([-\d.]+),([-\d.]+)\s*$/.exec(line);
    if (!m) continue;
    const file = m[1].split('/').pop() ?? m[1];
    const start = Number(m[2]);
    const end = Number(m[3]);
    if (WORK_SEGMENT_PATTERN.test(file) && Number.isFinite(start) && Number.isFinite(end))
      out.push({ file, start, end });
  }
  return out;
}
