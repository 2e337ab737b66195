import { join } from 'node:path';
import { PLAYLIST, SEGMENT_FILENAME_TEMPLATE } from '@xueliang/gateway-protocol';
import { redactCredentials } from '@xueliang/platform';

/** Everything the HLS command depends on; the adapter runs what buildHlsCommand returns. */
export interface HlsCommandSpec {
  /** RTSP URI with credentials already embedded. */
  inputUrl: string;
  /** Codec of the source as probed: only H.264 can be copied into browser-playable HLS. */
  sourceCodec: string | null;
  outDir: string;
  segmentSeconds: number;
  listSize: number;
  /** RTSP socket timeout, so a dead camera ends ffmpeg instead of hanging it. */
  rtspTimeoutMs?: number;
  /**
   * A restart of the stream (camera cut, ffmpeg died or stalled): the existing playlist is
   * continued (same segment numbering) with an EXT-X-DISCONTINUITY before the new segments.
   */
  continuePlaylist?: boolean;
}

export interface FfmpegCommand {
  input: string;
  inputOptions: string[];
  outputOptions: string[];
  output: string;
}

// The file names are protocol (the api proxies them): @xueliang/gateway-protocol holds them.
export { PLAYLIST, SEGMENT_PATTERN } from '@xueliang/gateway-protocol';

/** Copy when the source is H.264 (or unknown: every sim and most field cameras are); transcode H.265 and others. */
export function canCopy(sourceCodec: string | null): boolean {
  return sourceCodec === null || sourceCodec === 'h264';
}

/**
 * RTSP over TCP in, HLS out. Copy mode keeps ffmpeg at a few percent of a core per stream;
 * transcoding (libx264 veryfast/zerolatency) is only for sources a browser cannot play.
 */
export function buildHlsCommand(spec: HlsCommandSpec): FfmpegCommand {
  const inputOptions = [
    '-rtsp_transport',
    'tcp',
    // Start fast: cameras announce SPS/PPS in the SDP, so a few packets of probing are enough.
    // Longer probing (ffmpeg's 5 s default, or even 1 s) adds straight to the cold start.
    '-analyzeduration',
    '100000',
    '-probesize',
    '32768',
    '-fflags',
    '+genpts',
  ];
  if (spec.rtspTimeoutMs) inputOptions.push('-timeout', String(spec.rtspTimeoutMs * 1000));
  const video = canCopy(spec.sourceCodec)
    ? ['-c:v', 'copy']
    : [
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-tune',
        'zerolatency',
        '-pix_fmt',
        'yuv420p',
        // A keyframe at every segment boundary so segments stay segmentSeconds long.
        '-force_key_frames',
        `expr:gte(t,n_forced*${spec.segmentSeconds})`,
        '-sc_threshold',
        '0',
      ];
  const outputOptions = [
    '-map',
    '0:v:0',
    '-an',
    ...video,
    '-f',
    'hls',
    '-hls_time',
    String(spec.segmentSeconds),
    '-hls_list_size',
    String(spec.listSize),
    '-hls_flags',
    // PROGRAM-DATE-TIME gives every segment its wall-clock time (players show it, the console
    // measures latency with it); append_list continues a restarted stream's playlist, and ffmpeg
    // marks the seam with EXT-X-DISCONTINUITY (RFC 8216 4.3.2.3): timestamps restart there.
    `delete_segments+independent_segments+omit_endlist+program_date_time${spec.continuePlaylist ? '+append_list' : ''}`,
    // A first start numbers segments from the wall clock, so a new session never reuses a name a
    // player has cached; a restart continues the numbers of the playlist it appends to.
    ...(spec.continuePlaylist ? [] : ['-hls_start_number_source', 'epoch']),
    '-hls_segment_filename',
    join(spec.outDir, SEGMENT_FILENAME_TEMPLATE),
  ];
  return { input: spec.inputUrl, inputOptions, outputOptions, output: join(spec.outDir, PLAYLIST) };
}

/** The number of the last segment a playlist names (where a restart's segments follow). */
export function lastSegmentNumber(playlist: string): number | undefined {
  const all = [...playlist.matchAll(/^seg_(\d+)\.ts$/gm)];
  const last = all.at(-1);
  return last ? Number(last[1]) : undefined;
}

/**
 * The playlist as served: with EXT-X-DISCONTINUITY-SEQUENCE, which RFC 8216 (6.2.2) requires
 * once a discontinuity has left the live window (ffmpeg does not write it). `seams` are the
 * media sequence numbers of the first segment after each restart.
 */
export function withDiscontinuitySequence(playlist: string, seams: readonly number[]): string {
  if (!seams.length) return playlist;
  const first = Number(/^#EXT-X-MEDIA-SEQUENCE:(\d+)/m.exec(playlist)?.[1]);
  if (!Number.isFinite(first)) return playlist;
  const gone = seams.filter((n) => n < first).length;
  if (!gone || playlist.includes('#EXT-X-DISCONTINUITY-SEQUENCE')) return playlist;
  return playlist.replace(/^(#EXT-X-MEDIA-SEQUENCE:\d+)$/m, `$1\n#EXT-X-DISCONTINUITY-SEQUENCE:${gone}`);
}

/** The full argv ffmpeg receives (diagnostics, tests). */
export function argvOf(cmd: FfmpegCommand): string[] {
  return [...cmd.inputOptions, '-i', cmd.input, ...cmd.outputOptions, '-y', cmd.output];
}

/** One JPEG frame from RTSP, for cameras without a snapshot URI. */
export function buildSnapshotArgs(inputUrl: string): string[] {
  return [
    '-rtsp_transport',
    'tcp',
    '-i',
    inputUrl,
    '-frames:v',
    '1',
    '-q:v',
    '4',
    '-f',
    'image2',
    '-c:v',
    'mjpeg',
    'pipe:1',
  ];
}

/** rtsp://host/… → rtsp://user:pass@host/… (ffmpeg does the digest handshake itself). */
export function withCredentials(rtspUri: string, username: string, password: string): string {
  if (!username) return rtspUri;
  const u = new URL(rtspUri);
  u.username = encodeURIComponent(username);
  u.password = encodeURIComponent(password);
  return u.toString();
}

/** Credentials out of anything logged or returned (the platform's one redaction, by its old name here). */
export function redactUrl(text: string): string {
  return redactCredentials(text);
}
