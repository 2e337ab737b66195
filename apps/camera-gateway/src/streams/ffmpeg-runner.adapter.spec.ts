import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isGroupAlive, loadConfig } from '@xueliang/platform';
import type { FfmpegCommand } from './ffmpeg-args';
import { FfmpegRunner, GROUP_FILE } from './ffmpeg-runner.adapter';

/** The process group of a pid (field 5 of /proc/<pid>/stat, after the parenthesised name). */
function groupOf(pid: number | 'self'): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

/** A stand-in for a camera stream: a synthetic source written as HLS into `dir`. */
function hlsCommand(dir: string): FfmpegCommand {
  return {
    input: 'color=size=16x16:rate=5',
    inputOptions: ['-re', '-f', 'lavfi'],
    outputOptions: ['-f', 'hls', '-hls_time', '1'],
    output: path.join(dir, 'index.m3u8'),
  };
}

describe('FfmpegRunner', () => {
  let root: string;
  const runner = new FfmpegRunner(loadConfig());

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'xl-ffmpeg-'));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('runs each ffmpeg as the leader of its own process group, recorded while it runs, and stops the group', async () => {
    const dir = path.join(root, String(process.pid), 'cam-main');
    await mkdir(dir, { recursive: true });
    const groupFile = path.join(dir, GROUP_FILE);
    const run = runner.start(hlsCommand(dir), () => undefined, groupFile);
    const pid = (await run.started)!;
    try {
      expect(groupOf(pid)).toBe(pid);
      expect(groupOf(pid)).not.toBe(groupOf('self'));
      expect(readFileSync(groupFile, 'utf8')).toBe(String(pid));
    } finally {
      await run.stop(2000);
    }
    expect(isGroupAlive(pid)).toBe(false);
    expect(existsSync(groupFile)).toBe(false);
  });

  it("stops the ffmpeg groups of a dead gateway process and spares a live one's and strangers", async () => {
    // 4194303 is above any pid a test box hands out; process.pid is alive by definition.
    const deadDir = path.join(root, '4194303', 'cam-sub');
    const strangerDir = path.join(root, '4194303', 'cam-main');
    const liveDir = path.join(root, String(process.pid), 'cam-sub');
    await Promise.all([deadDir, strangerDir, liveDir].map((d) => mkdir(d, { recursive: true })));
    const orphan = runner.start(hlsCommand(deadDir), () => undefined, path.join(deadDir, GROUP_FILE));
    const sibling = runner.start(hlsCommand(liveDir), () => undefined, path.join(liveDir, GROUP_FILE));
    // A stale record whose pid now leads someone else's group: never signalled.
    const stranger = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    await writeFile(path.join(strangerDir, GROUP_FILE), String(stranger.pid));
    await orphan.started;
    const siblingPid = (await sibling.started)!;
    try {
      expect(await runner.reapOrphans(root)).toBe(1);
      expect(await orphan.exited).toMatchObject({ signal: 'SIGKILL' });
      expect(isGroupAlive(siblingPid)).toBe(true);
      expect(isGroupAlive(stranger.pid!)).toBe(true);
      expect(existsSync(path.join(root, '4194303'))).toBe(false);
    } finally {
      await Promise.all([orphan.stop(1000), sibling.stop(1000)]);
      stranger.kill('SIGKILL');
    }
  });
});
