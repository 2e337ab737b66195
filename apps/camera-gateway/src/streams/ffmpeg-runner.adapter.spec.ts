import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FfmpegRunner } from './ffmpeg-runner.adapter';

const FFMPEG = process.env.FFMPEG_PATH || '/usr/bin/ffmpeg';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('FfmpegRunner.reapOrphans', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'xl-reap-'));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("kills the ffmpeg of a dead gateway process and spares a live one's", async () => {
    // 4194303 is above any pid a test box hands out; process.pid is alive by definition.
    const deadDir = path.join(root, '4194303', 'cam-sub');
    const liveDir = path.join(root, String(process.pid), 'cam-sub');
    await mkdir(deadDir, { recursive: true });
    await mkdir(liveDir, { recursive: true });
    const start = (dir: string) =>
      spawn(
        FFMPEG,
        [
          '-v',
          'quiet',
          '-re',
          '-f',
          'lavfi',
          '-i',
          'color=size=16x16:rate=1',
          '-f',
          'hls',
          path.join(dir, 'index.m3u8'),
        ],
        {
          stdio: 'ignore',
        },
      );
    const orphan = start(deadDir);
    const orphanExited = new Promise((r) => orphan.once('exit', r));
    const sibling = start(liveDir);
    try {
      await new Promise((r) => setTimeout(r, 300));
      const killed = await new FfmpegRunner().reapOrphans(root);
      expect(killed).toBe(1);
      await orphanExited;
      expect(alive(orphan.pid!)).toBe(false);
      expect(alive(sibling.pid!)).toBe(true);
      expect(existsSync(path.join(root, '4194303'))).toBe(false);
    } finally {
      orphan.kill('SIGKILL');
      sibling.kill('SIGKILL');
    }
  });
});
