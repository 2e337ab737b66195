import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import ffmpeg from 'fluent-ffmpeg';
import {
  type AppConfig,
  InjectConfig,
  isProcessAlive,
  redactCredentials,
  secretsInUrl,
  signalGroup,
  stopProcessGroup,
} from '@xueliang/platform';
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
  /** SIGTERM to its process group, wait up to graceMs, then SIGKILL to the group; resolves after exit. */
  stop(graceMs: number): Promise<FfmpegExit>;
}

/** The file in a stream's directory that names its ffmpeg's process group (see reapOrphans). */
export const GROUP_FILE = 'ffmpeg.pgid';

/**
 * fluent-ffmpeg's spawn step (`FfmpegCommand#_spawnFfmpeg`, absent from its typings): the one
 * place it calls child_process.spawn, with spawn options it fixes itself. The package is
 * archived at 2.1.3, so this private hook will not move under us.
 */
type SpawnStep = (
  this: ffmpeg.FfmpegCommand,
  args: string[],
  options: SpawnOptions,
  ...callbacks: unknown[]
) => void;
type OwnedCommand = ffmpeg.FfmpegCommand & { ffmpegProc?: ChildProcess; _spawnFfmpeg?: SpawnStep };

/** Makes the command's ffmpeg the leader of a process group of its own (pgid = pid). */
function inOwnProcessGroup(command: OwnedCommand): void {
  const spawnStep = command._spawnFfmpeg;
  if (typeof spawnStep !== 'function') throw new Error('fluent-ffmpeg has no spawn step to own');
  command._spawnFfmpeg = function (args, options, ...callbacks) {
    spawnStep.call(this, args, { ...options, detached: true }, ...callbacks);
  };
}

/**
 * Process groups of every ffmpeg this process runs. Each is detached (a Ctrl-C in a terminal or a
 * signal to the gateway's own group does not reach it), so the gateway kills them itself on its
 * way out, whatever the way: a graceful stop has stopped them already, this covers process.exit().
 */
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function track(pgid: number): void {
  liveGroups.add(pgid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const group of liveGroups) signalGroup(group, 'SIGKILL');
  });
}

/** The leader's command line, to tell our orphan from a stranger that reuses its pid; one file, no scan. */
function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return undefined;
  }
}

/**
 * Runs ffmpeg commands built by ffmpeg-args.ts through fluent-ffmpeg; stderr goes to the caller
 * line by line. Every ffmpeg leads its own process group, which is what gets signalled: stopping a
 * stream or the gateway leaves nothing of it behind.
 */
@Injectable()
export class FfmpegRunner {
  private readonly ffmpegPath: string;

  constructor(@InjectConfig() config: Pick<AppConfig, 'FFMPEG_PATH'>) {
    this.ffmpegPath = config.FFMPEG_PATH;
  }

  /**
   * `groupFile`: where to record the process group while it runs, so that a successor of a
   * gateway killed with SIGKILL (which cannot clean up) finds and stops it (reapOrphans).
   */
  start(cmd: FfmpegCommand, onStderr: (line: string) => void, groupFile?: string): FfmpegRun {
    // ffmpeg echoes its input URL (credentials embedded) in errors: nothing it says leaves unredacted.
    const secrets = secretsInUrl(cmd.input);
    const redact = (text: string): string => redactCredentials(text, secrets);
    const command = ffmpeg(cmd.input)
      .setFfmpegPath(this.ffmpegPath)
      .inputOptions(cmd.inputOptions)
      .outputOptions(cmd.outputOptions)
      .output(cmd.output) as OwnedCommand;
    inOwnProcessGroup(command);
    let resolveStarted!: (pid: number | undefined) => void;
    const started = new Promise<number | undefined>((r) => (resolveStarted = r));
    let resolveExit!: (e: FfmpegExit) => void;
    const exited = new Promise<FfmpegExit>((r) => (resolveExit = r));
    let exitedAlready = false;
    let group: number | undefined;
    const finish = (e: FfmpegExit): void => {
      if (exitedAlready) return;
      exitedAlready = true;
      if (group !== undefined) liveGroups.delete(group);
      if (groupFile) rmSync(groupFile, { force: true });
      resolveStarted(undefined);
      resolveExit(e);
    };
    let proc: ChildProcess | undefined;
    command.on('start', () => {
      proc = command.ffmpegProc;
      group = proc?.pid;
      if (group !== undefined) {
        track(group);
        if (groupFile) writeFileSync(groupFile, String(group));
      }
      resolveStarted(group);
      // Exit code and signal straight from the child, fluent-ffmpeg only reports a message.
      proc?.once('exit', (code, signal) =>
        finish({ code, signal, message: `exited code=${code} signal=${signal}` }),
      );
    });
    command.on('stderr', (line: string) => onStderr(redact(line)));
    command.on('error', (err: Error) => {
      // Spawn failures never reach 'exit'. (fluent-ffmpeg forgets ffmpegProc before it reports a
      // death as an error, so whether there was a process is ours to remember.)
      if (!proc) finish({ code: null, signal: null, message: redact(err.message) });
    });
    command.on('end', () => undefined);
    command.run();

    const pid = (): number | undefined => (exitedAlready ? undefined : proc?.pid);
    return {
      started,
      exited,
      pid,
      stop: async (graceMs: number) => {
        const pgid = await started;
        if (pgid !== undefined && !exitedAlready) {
          // The whole group, so nothing ffmpeg started outlives it; SIGKILL after the grace.
          await stopProcessGroup(pgid, { signal: 'SIGTERM', graceMs });
        }
        return exited;
      },
    };
  }

  /**
   * A gateway killed with SIGKILL cannot stop its ffmpeg groups. On start, every stream directory
   * under <gatewayDir>/<pid>/ of a gateway pid that is no longer alive is looked at: the process
   * group its GROUP_FILE names is killed if its leader is still the ffmpeg writing there (a pid
   * reused by someone else is left alone), and the directory removed. Live siblings (same gateway
   * id, another process) are left alone. Returns the number of groups killed.
   */
  async reapOrphans(gatewayDir: string): Promise<number> {
    const owners = await readdir(gatewayDir).catch(() => [] as string[]);
    const dead = owners.filter(
      (d) => /^\d+$/.test(d) && Number(d) !== process.pid && !isProcessAlive(Number(d)),
    );
    let killed = 0;
    for (const owner of dead) {
      const ownerDir = join(gatewayDir, owner);
      for (const stream of await readdir(ownerDir).catch(() => [] as string[])) {
        const streamDir = join(ownerDir, stream);
        const pgid = Number(await readFile(join(streamDir, GROUP_FILE), 'utf8').catch(() => ''));
        if (!Number.isInteger(pgid) || pgid <= 1) continue;
        if (!commandLine(pgid)?.includes(`${streamDir}/`)) continue;
        // Not our child any more: init reaps it, nothing here needs to wait for that.
        signalGroup(pgid, 'SIGKILL');
        killed++;
      }
      await rm(ownerDir, { recursive: true, force: true });
    }
    return killed;
  }

  /** One JPEG from an RTSP URL (snapshot fallback); its ffmpeg leads its own group like the others. */
  grabFrame(args: string[], timeoutMs: number): Promise<Buffer> {
    const secrets = args.flatMap(secretsInUrl);
    return new Promise((resolve, reject) => {
      const child = spawn(this.ffmpegPath, ['-hide_banner', '-loglevel', 'error', ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      const group = child.pid;
      if (group !== undefined) track(group);
      const chunks: Buffer[] = [];
      let err = '';
      child.stdout.on('data', (c: Buffer) => chunks.push(c));
      child.stderr.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-2000)));
      const timer = setTimeout(() => {
        if (group !== undefined) signalGroup(group, 'SIGKILL');
      }, timeoutMs);
      child.on('error', reject);
      child.on('exit', () => {
        if (group !== undefined) liveGroups.delete(group);
      });
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
