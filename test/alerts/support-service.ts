import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const MAIN = resolve(ROOT, 'dist/apps/alert-service/src/main.js');

/** One built alert-service child in its own process group, for the crash and scale-out suites. */
export interface Service {
  child: ChildProcess;
  /** The last 8,000 characters it wrote, for a failure message. */
  output: () => string;
  /** The port it said it listens on, once it has. */
  port: () => number | null;
}

export function spawnService(env: NodeJS.ProcessEnv): Service {
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  const keep = (b: Buffer): void => {
    out = (out + b.toString()).slice(-8000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return {
    child,
    output: () => out,
    port: () => {
      const m = /alert-service listening on :(\d+)/.exec(out);
      return m ? Number(m[1]) : null;
    },
  };
}

/** Signals the child's whole process group and waits for it to exit (at once if it already has). */
export function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    try {
      process.kill(-child.pid!, signal);
    } catch {
      done();
    }
  });
}
