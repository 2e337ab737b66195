import { spawn, ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { passwordDigest } from '../../apps/camera-sim/src/soap';

export { FFMPEG, FFPROBE, SIM_CACHE_DIR as TEST_CACHE_DIR, startFleet } from '../support/sim-fleet';
export { until } from '../support/wait';

/** A SOAP request as ONVIF clients send it, WS-Security UsernameToken included when a password is given. */
export function soapRequest(body: string, user?: string, password?: string): string {
  let security = '';
  if (user !== undefined && password !== undefined) {
    const nonce = randomBytes(16).toString('base64');
    const created = new Date().toISOString();
    security =
      `<Security s:mustUnderstand="1" xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">` +
      `<UsernameToken><Username>${user}</Username>` +
      `<Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">${passwordDigest(nonce, created, password)}</Password>` +
      `<Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">${nonce}</Nonce>` +
      `<Created xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">${created}</Created>` +
      `</UsernameToken></Security>`;
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope">` +
    `<s:Header>${security}</s:Header><s:Body>${body}</s:Body></s:Envelope>`
  );
}

export async function postSoap(url: string, xml: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/soap+xml; charset=utf-8' },
    body: xml,
    signal: AbortSignal.timeout(15_000),
  });
  return { status: res.status, text: await res.text() };
}

/** Runs a child to completion (ffprobe); resolves with its exit code and output. */
export function run(
  cmd: string,
  args: string[],
  timeoutMs = 20_000,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

export function spawnTracked(children: Set<ChildProcess>, cmd: string, args: string[]): ChildProcess {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  child.on('close', () => children.delete(child));
  return child;
}
