import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import ffmpeg from 'fluent-ffmpeg';
import { loadConfig, redactCredentials, secretsInUrl } from '@xueliang/platform';
import { FfmpegCommand } from './ffmpeg-args';

export interface FfmpegExit {
  code: number | null;
  signal: string | null;
  message: string;
}

/** One running ffmpeg. The StreamSession that started it is its only owner. */
export interface FfmpegRun {
  /** Resolves with the pid once the process is spawned. */
  readonly started: Promise<number | undefined>;
  /** Resolves (never rejects) when the process has exited, for whatever reason. */
  readonly exited: Promise<FfmpegExit>;
  pid(): number | undefined;
  /** SIGTERM, wait up to graceMs, then SIGKILL; resolves after exit. */
  stop(graceMs: number): Promise<FfmpegExit>;
}

type WithProc = ffmpeg.FfmpegCommand & { ffmpegProc?: ChildProcess };

/** Runs ffmpeg commands built by ffmpeg-args.ts through fluent-ffmpeg; stderr goes to the caller line by line. */
@Injectable()
export class FfmpegRunner {
  private readonly ffmpegPath = loadConfig().FFMPEG_PATH;

  start(cmd: FfmpegCommand, onStderr: (line: string) => void): FfmpegRun {
    // ffmpeg echoes its input URL (credentials embedded) in errors: nothing it says leaves unredacted.
    const secrets = secretsInUrl(cmd.input);
    const redact = (text: string): string => redactCredentials(text, secrets);
    const command = ffmpeg(cmd.input)
      .setFfmpegPath(this.ffmpegPath)
      .inputOptions(cmd.inputOptions)
      .outputOptions(cmd.outputOptions)
      .output(cmd.output) as WithProc;
    let resolveStarted!: (pid: number | undefined) => void;
    const started = new Promise<number | undefined>((r) => (resolveStarted = r));
    let resolveExit!: (e: FfmpegExit) => void;
    const exited = new Promise<FfmpegExit>((r) => (resolveExit = r));
    let exitedAlready = false;
    const finish = (e: FfmpegExit): void => {
      if (exitedAlready) return;
      exitedAlready = true;
      resolveStarted(undefined);
      resolveExit(e);
    };
    command.on('start', () => {
      const proc = command.ffmpegProc;
      resolveStarted(proc?.pid);
      // Exit code and signal straight from the child, fluent-ffmpeg only reports a message.
      proc?.once('exit', (code, signal) =>
        finish({ code, signal, message: `exited code=${code} signal=${signal}` }),
      );
    });
    command.on('stderr', (line: string) => onStderr(redact(line)));
    command.on('error', (err: Error) => {
      // Spawn failures never reach 'exit'.
      if (!command.ffmpegProc) finish({ code: null, signal: null, message: redact(err.message) });
    });
    command.on('end', () => undefined);
    command.run();

    const pid = (): number | undefined => (exitedAlready ? undefined : command.ffmpegProc?.pid);
    return {
      started,
      exited,
      pid,
      stop: async (graceMs: number) => {
        await started;
        if (!exitedAlready) command.ffmpegProc?.kill('SIGTERM');
        const timer = setTimeout(() => {
          if (!exitedAlready) command.ffmpegProc?.kill('SIGKILL');
        }, graceMs);
        const e = await exited;
        clearTimeout(timer);
        return e;
      },
    };
  }

  /**
   * ffmpeg outlives a gateway that crashed (nothing kills a child whose parent died). On start,
   * every ffmpeg writing under <gatewayDir>/<pid>/ of a pid that is no longer alive is killed and
   * its directory removed. Live siblings (same gateway id, another process) are left alone.
   */
  async reapOrphans(gatewayDir: string): Promise<number> {
    const owners = await readdir(gatewayDir).catch(() => [] as string[]);
    const dead = owners.filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid && !alive(Number(d)));
    if (!dead.length) return 0;
    const deadDirs = dead.map((d) => `${join(gatewayDir, d)}/`);
    let killed = 0;
    for (const entry of await readdir('/proc').catch(() => [] as string[])) {
      if (!/^\d+$/.test(entry)) continue;
      const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
      if (!cmdline.includes('ffmpeg') || !deadDirs.some((d) => cmdline.includes(d))) continue;
      try {
        process.kill(Number(entry), 'SIGKILL');
        killed++;
      } catch {
        // already gone
      }
    }
    await Promise.all(deadDirs.map((d) => rm(d, { recursive: true, force: true })));
    return killed;
  }

  /** One JPEG from an RTSP URL (snapshot fallback). */
  grabFrame(args: string[], timeoutMs: number): Promise<Buffer> {
    const secrets = args.flatMap(secretsInUrl);
    return new Promise((resolve, reject) => {
      const child = spawn(this.ffmpegPath, ['-hide_banner', '-loglevel', 'error', ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const chunks: Buffer[] = [];
      let err = '';
      child.stdout.on('data', (c: Buffer) => chunks.push(c));
      child.stderr.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-2000)));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code === 0 && chunks.length) resolve(Buffer.concat(chunks));
        else {
          const last = err.trim().split('\n').pop() ?? '';
          reject(new Error(`ffmpeg frame grab failed (${code}): ${redactCredentials(last, secrets)}`));
        }
      });
    });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
