import { ExecutableLookup, whichOnPath } from './paths';

export interface FfmpegResolution {
  path: string;
  source: 'FFMPEG_PATH' | 'PATH' | '@ffmpeg-installer/ffmpeg';
}

export interface FfmpegOptions {
  env?: NodeJS.ProcessEnv;
  which?: ExecutableLookup;
  /** The bundled binary; injectable so tests need not load the package. */
  installerPath?: () => string | undefined;
}

function bundledFfmpeg(): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  } catch {
    return undefined;
  }
}

/** FFMPEG_PATH, else `ffmpeg` on PATH (the system build has more codecs), else the npm-bundled one. */
export function resolveFfmpeg(options: FfmpegOptions = {}): FfmpegResolution {
  const env = options.env ?? process.env;
  const which = options.which ?? whichOnPath(env.PATH);
  if (env.FFMPEG_PATH) return { path: env.FFMPEG_PATH, source: 'FFMPEG_PATH' };
  const onPath = which('ffmpeg');
  if (onPath) return { path: onPath, source: 'PATH' };
  const bundled = (options.installerPath ?? bundledFfmpeg)();
  if (bundled) return { path: bundled, source: '@ffmpeg-installer/ffmpeg' };
  throw new Error(
    'ffmpeg not found: set FFMPEG_PATH, install it (apt-get install ffmpeg) or run npm ci to get @ffmpeg-installer/ffmpeg',
  );
}
