/**
 * The names of the files of one HLS stream: ffmpeg writes them on the gateway, the gateway serves
 * them, the api proxies them to token holders. One place, so a renamed segment cannot 404 on one side.
 */
export const PLAYLIST = 'index.m3u8';

/** ffmpeg's -hls_segment_filename pattern (the number is the epoch-based sequence). */
export const SEGMENT_FILENAME_TEMPLATE = 'seg_%05d.ts';

/** A segment name as ffmpeg writes it from SEGMENT_FILENAME_TEMPLATE. */
export const SEGMENT_PATTERN = /^seg_\d{1,12}\.ts$/;

/** A file of a stream: the playlist or one of its segments; anything else is not served. */
export function isHlsFile(file: string): boolean {
  return file === PLAYLIST || SEGMENT_PATTERN.test(file);
}

export function hlsContentType(file: string): string {
  return file === PLAYLIST ? 'application/vnd.apple.mpegurl' : 'video/mp2t';
}
