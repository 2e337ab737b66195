import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { Injectable } from '@nestjs/common';
import ffmpeg from 'fluent-ffmpeg';
import { loadConfig } from '@xueliang/platform';
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
    command.on('stderr', (line: string) => onStderr(line));
    command.on('error', (err: Error) => {
      // Spawn failures never reach 'exit'.
      if (!command.ffmpegProc) finish({ code: null, signal: null, message: err.message });
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

  /** One JPEG from an RTSP URL (snapshot fallback). */
  grabFrame(args: string[], timeoutMs: number): Promise<Buffer> {
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
        else reject(new Error(`ffmpeg frame grab failed (${code}): ${err.trim().split('\n').pop() ?? ''}`));
      });
    });
  }
}
