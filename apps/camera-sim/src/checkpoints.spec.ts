import http from 'node:http';
import { AddressInfo } from 'node:net';
import { CheckpointPassRecordSchema } from '@xueliang/contracts';
import { CheckpointSim, DEFAULT_CHECKPOINTS } from './checkpoints';

describe('CheckpointSim', () => {
  it('makes passes that satisfy the contract, with plausible plates and only operational alarms', () => {
    const sim = new CheckpointSim({ seed: 3 });
    const passes = Array.from({ length: 1000 }, (_, i) => sim.makePass(1_800_000_000_000 + i));
    for (const p of passes) expect(CheckpointPassRecordSchema.parse(p)).toEqual(p);
    expect(new Set(passes.map((p) => p.passId)).size).toBe(passes.length);
    for (const p of passes) {
      expect(p.plate).toMatch(p.plateColor === 'green' ? /^甘G·[DF]\d{5}$/ : /^甘G·[A-HJ-NP-Z0-9]{5}$/);
      expect(p.plate!.replace(/^甘G·/, '').replace(/\d/g, '').length).toBeLessThanOrEqual(2);
    }
    const alarms = new Set(passes.map((p) => p.alarm).filter(Boolean));
    expect([...alarms].sort()).toEqual(['checkpoint_fault', 'speeding', 'wrong_way']);
    for (const p of passes.filter((x) => x.alarm === 'speeding'))
      expect(p.speedKmh!).toBeGreaterThan(p.speedLimitKmh!);
    const codes = new Set(DEFAULT_CHECKPOINTS.map((c) => c.code));
    expect(passes.every((p) => codes.has(p.checkpointCode))).toBe(true);
  });

  it('is quiet without a URL', () => {
    const sim = new CheckpointSim();
    expect(sim.enabled).toBe(false);
    sim.start();
    sim.stop();
    expect(sim.sent).toBe(0);
  });

  it('POSTs JSON with the x-api-key header', async () => {
    const received: Array<{ key: string | undefined; body: unknown }> = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          key: req.headers['x-api-key'] as string | undefined,
          body: JSON.parse(Buffer.concat(chunks).toString()),
        });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/checkpoints/passes`;
    const sim = new CheckpointSim({ url, apiKey: 'k-123', passesPerMinute: 6000 });
    sim.start();
    try {
      const end = Date.now() + 10_000;
      while (received.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    } finally {
      sim.stop();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    expect(received.length).toBeGreaterThanOrEqual(2);
    expect(received[0].key).toBe('k-123');
    expect(CheckpointPassRecordSchema.safeParse(received[0].body).success).toBe(true);
  });
});
