import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isGroupAlive, loadConfig } from '@xueliang/platform';
import { FfmpegRunner } from '../../apps/camera-gateway/src/streams/ffmpeg-runner.adapter';
import { until } from './support';
import { buildApps } from '../support/build';

const ROOT = path.resolve(__dirname, '../..');
const RUNNER = path.resolve(ROOT, 'dist/apps/camera-gateway/src/streams/ffmpeg-runner.adapter.js');

/**
 * A gateway process in miniature: the built FfmpegRunner starting two streams the way the stream
 * manager does (one directory per stream under <gatewayDir>/<pid>/, the group recorded in it),
 * printing their pids, then leaving by process.exit() or waiting to be killed.
 */
const GATEWAY = `
const { mkdirSync } = require('node:fs');
const { join } = require('node:path');
const { FfmpegRunner, GROUP_FILE } = require(${JSON.stringify(RUNNER)});
const [gatewayDir, mode] = process.argv.slice(1);
const runner = new FfmpegRunner({ FFMPEG_PATH: process.env.FFMPEG_PATH ?? 'ffmpeg' });
const runs = ['cam-1-main', 'cam-2-sub'].map((name) => {
  const dir = join(gatewayDir, String(process.pid), name);
  mkdirSync(dir, { recursive: true });
  const cmd = {
    input: 'color=size=16x16:rate=5',
    // Silent, like an ffmpeg blocked on a camera that stopped sending: one that writes to the
    // dead gateway's stderr pipe dies of SIGPIPE by itself, a silent one lives on.
    inputOptions: ['-nostats', '-loglevel', 'error', '-re', '-f', 'lavfi'],
    outputOptions: ['-f', 'hls', '-hls_time', '1'],
    output: join(dir, 'index.m3u8'),
  };
  return runner.start(cmd, () => undefined, join(dir, GROUP_FILE));
});
Promise.all(runs.map((r) => r.started)).then((pids) => {
  process.stdout.write(JSON.stringify(pids) + '\\n', () => {
    if (mode === 'exit') process.exit(0);
  });
});
`;

/** The process group of a pid (field 5 of /proc/<pid>/stat, after the parenthesised name). */
function groupOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

describe("a gateway's ffmpeg children lead their own process groups and none outlive it", () => {
  let gatewayDir: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    buildApps('camera-gateway');
    gatewayDir = await mkdtemp(path.join(os.tmpdir(), 'xl-gw-groups-'));
  }, 120_000);

  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await rm(gatewayDir, { recursive: true, force: true });
  });

  async function startGateway(mode: 'exit' | 'wait'): Promise<{ child: ChildProcess; pids: number[] }> {
    const child = spawn(process.execPath, ['-e', GATEWAY, gatewayDir, mode], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const pids = await until(
      'the ffmpeg pids',
      () => (out.includes('\n') ? (JSON.parse(out) as number[]) : undefined),
      20_000,
    );
    return { child, pids };
  }

  it('every ffmpeg is a group leader, apart from the gateway, and goes when the gateway exits', async () => {
    const { child, pids } = await startGateway('exit');
    await until('the gateway to exit', () => (child.exitCode !== null ? true : undefined), 20_000);
    // SIGKILL is sent on the way out; the groups are gone once the killed ffmpeg are reaped.
    await until(
      'every ffmpeg group gone',
      () => (pids.every((pid) => !isGroupAlive(pid)) ? true : undefined),
      10_000,
    ).catch(() => undefined);
    for (const pid of pids) {
      // Each ffmpeg led a group of its own: the gateway (and its group) was elsewhere.
      expect(pid).not.toBe(child.pid);
      expect(isGroupAlive(pid)).toBe(false);
    }
  });

  it('a gateway killed with SIGKILL leaves its groups running, and its successor stops them', async () => {
    const { child, pids } = await startGateway('wait');
    for (const pid of pids) {
      expect(groupOf(pid)).toBe(pid);
      expect(groupOf(pid)).not.toBe(groupOf(child.pid!));
    }
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await gone;
    // Only the gateway died: its ffmpeg groups live on, writing into the dead gateway's directory.
    for (const pid of pids) expect(isGroupAlive(pid)).toBe(true);

    expect(await new FfmpegRunner(loadConfig()).reapOrphans(gatewayDir)).toBe(pids.length);
    await until(
      'every ffmpeg group gone',
      () => (pids.every((pid) => !isGroupAlive(pid)) ? true : undefined),
      10_000,
    ).catch(() => undefined);
    for (const pid of pids) expect(isGroupAlive(pid)).toBe(false);
    expect(existsSync(path.join(gatewayDir, String(child.pid)))).toBe(false);
  });
});
