import { request } from 'node:http';
import { sleep } from '@xueliang/platform';

/** Status of one GET, or undefined when nothing answers. */
export function httpStatus(url: string, timeoutMs = 2000): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

export interface WaitForHttpOptions {
  timeoutMs: number;
  /** Which statuses count as up (default 2xx). */
  accept?: (status: number) => boolean;
  intervalMs?: number;
  /** Stop waiting early (e.g. the launcher is shutting down). */
  cancelled?: () => boolean;
}

/** Polls until the URL answers with an accepted status; resolves false on timeout or cancel. */
export async function waitForHttp(url: string, options: WaitForHttpOptions): Promise<boolean> {
  const accept = options.accept ?? ((s) => s >= 200 && s < 300);
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline && !options.cancelled?.()) {
    const status = await httpStatus(url);
    if (status !== undefined && accept(status)) return true;
    await sleep(options.intervalMs ?? 250);
  }
  return false;
}
