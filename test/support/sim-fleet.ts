import os from 'node:os';
import path from 'node:path';
import { CameraFleet, FleetOptions } from '../../apps/camera-sim/src/fleet';

/** Clips are cached across runs so only the first run pays for the sim's encodes. */
export const SIM_CACHE_DIR = path.join(os.tmpdir(), 'xl-camera-sim-test-cache');
export const FFMPEG = process.env.FFMPEG_PATH || '/usr/bin/ffmpeg';
export const FFPROBE = path.join(path.dirname(FFMPEG), 'ffprobe');

/** A small simulated fleet on ephemeral ports: three cameras, every second one with PTZ. */
export function startFleet(options: FleetOptions = {}): Promise<CameraFleet> {
  return CameraFleet.start({
    count: 3,
    ptzEvery: 2,
    discoveryPort: 0,
    multicast: false,
    cacheDir: SIM_CACHE_DIR,
    ffmpegPath: FFMPEG,
    ...options,
  });
}
