import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProcessSupervisor, ServiceWatchdog } from '../../apps/launcher/src/launch';
import { isAlive, listProcesses, processTree, removeDir, tempVarDir } from './helpers';
import { until } from '../support/wait';

/** A child that starts a grandchild (as an app starts ffmpeg) and reports both pids. */
const PARENT_SCRIPT = `
const { spawn } = require('node:child_process');
const sleeper = spawn('sleep', ['1000'], { stdio: 'ignore' });
console.log('pids ' + process.pid + ' ' + sleeper.pid);
setInterval(() => undefined, 1000);
`;

describe('ProcessSupervisor', () => {
  let dir: string;
  let supervisor: ProcessSupervisor | undefined;
  beforeEach(() => (dir = tempVarDir('sup')));
  afterEach(async () => {
    supervisor?.killAll();
    supervisor = undefined;
    removeDir(dir);
  });

  function pidsFrom(lines: string[], name: string): number[][] {
    return lines
      .filter((l) => l.startsWith(`${name.padEnd(10)} | pids `))
      .map((l) => l.split(' pids ')[1].split(' ').map(Number));
  }

  it('stops a child and its grandchild with one group signal', async () => {
    const script = join(dir, 'parent.js');
    writeFileSync(script, PARENT_SCRIPT);
    const lines: string[] = [];
    supervisor = new ProcessSupervisor({ sink: (l) => lines.push(l), stopGraceMs: 3000 });
    supervisor.start({ name: 'dummy', command: process.execPath, args: [script] });
    await until('the dummy to report its pids', () => pidsFrom(lines, 'dummy').length > 0, 10000);
    const [[childPid, grandchildPid]] = pidsFrom(lines, 'dummy');
    expect(processTree(childPid).map((p) => p.pid)).toContain(grandchildPid);

    await supervisor.stopAll();
    expect(isAlive(childPid)).toBe(false);
    expect(isAlive(grandchildPid)).toBe(false);
    expect(listProcesses().filter((p) => p.cmdline.includes(script))).toEqual([]);
  });

  it('kills a child that ignores SIGTERM after the grace period', async () => {
    const script = join(dir, 'stubborn.js');
    writeFileSync(
      script,
      `process.on('SIGTERM', () => console.log('ignoring')); console.log('pids ' + process.pid); setInterval(() => undefined, 1000);`,
    );
    const lines: string[] = [];
    supervisor = new ProcessSupervisor({ sink: (l) => lines.push(l), stopGraceMs: 500 });
    supervisor.start({ name: 'stubborn', command: process.execPath, args: [script] });
    await until('the stubborn child', () => pidsFrom(lines, 'stubborn').length > 0, 10000);
    const [[pid]] = pidsFrom(lines, 'stubborn');
    await supervisor.stopAll();
    expect(isAlive(pid)).toBe(false);
    expect(lines.some((l) => l.includes('killed'))).toBe(true);
  });

  it('restarts a child that dies, with backoff, until stopped', async () => {
    const script = join(dir, 'crashy.js');
    writeFileSync(script, `console.log('pids ' + process.pid); setTimeout(() => process.exit(3), 100);`);
    const lines: string[] = [];
    supervisor = new ProcessSupervisor({ sink: (l) => lines.push(l), initialBackoffMs: 50, maxRestarts: 2 });
    supervisor.start({ name: 'crashy', command: process.execPath, args: [script] });
    await until('the restart limit', () => lines.some((l) => l.includes('gave up after 2 restarts')), 15000);
    expect(pidsFrom(lines, 'crashy')).toHaveLength(3);
    expect(lines.filter((l) => l.includes('exited unexpectedly (code 3)'))).toHaveLength(3);
    expect(lines.some((l) => l.includes('restarting in 0.1 s (restart 2/2)'))).toBe(true);
  });
});

describe('ServiceWatchdog', () => {
  /** A data service whose deaths the test triggers and whose restarts fail as often as told. */
  function fakeService(failures: number) {
    let die: (how: string) => void = () => undefined;
    let restarts = 0;
    return {
      service: {
        exited: () => new Promise<string>((resolve) => (die = resolve)),
        restart: async () => {
          restarts++;
          if (restarts <= failures) throw new Error(`still held (${restarts})`);
        },
        pid: 4242,
      },
      kill: (how: string) => die(how),
      restarts: () => restarts,
    };
  }

  it('retries a failed restart with backoff and says each step', async () => {
    const lines: string[] = [];
    const fake = fakeService(2);
    const watchdog = new ServiceWatchdog('postgres', fake.service, {
      sink: (l) => lines.push(l),
      initialBackoffMs: 100,
    });
    fake.kill('postgres exited (SIGKILL)');
    await until('the restart', () => lines.some((l) => l.endsWith('restarted (pid 4242)')), 5000);
    await watchdog.stop();
    expect(fake.restarts()).toBe(3);
    expect(lines).toEqual([
      'launcher   | postgres: stopped unexpectedly: postgres exited (SIGKILL)',
      'launcher   | postgres: restarting in 0.1 s (restart 1/10)',
      'launcher   | postgres: restart failed: still held (1)',
      'launcher   | postgres: restarting in 0.2 s (restart 2/10)',
      'launcher   | postgres: restart failed: still held (2)',
      'launcher   | postgres: restarting in 0.4 s (restart 3/10)',
      'launcher   | postgres: restarted (pid 4242)',
    ]);
  });

  it('gives up after the restart limit, and restarts nothing once stopped', async () => {
    const lines: string[] = [];
    const failing = fakeService(100);
    const limited = new ServiceWatchdog('redis', failing.service, {
      sink: (l) => lines.push(l),
      initialBackoffMs: 5,
      maxRestarts: 2,
    });
    failing.kill('exited with SIGKILL');
    await until('the limit', () => lines.some((l) => l.includes('gave up after 2 restarts')), 5000);
    expect(failing.restarts()).toBe(2);
    await limited.stop();

    const stopped = fakeService(0);
    const watchdog = new ServiceWatchdog('redis', stopped.service, {
      sink: () => undefined,
      initialBackoffMs: 5,
    });
    await watchdog.stop();
    stopped.kill('exited with SIGTERM');
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped.restarts()).toBe(0);
  });
});
