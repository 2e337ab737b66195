import { OutageGate } from './outage-gate';

describe('OutageGate', () => {
  it('is open until closed, probes with capped doubling delays, reopens when the probe answers', async () => {
    const delays: number[] = [];
    let answers = false;
    let probes = 0;
    const gate = new OutageGate(
      async () => {
        probes++;
        if (!answers) throw new Error('connect ECONNREFUSED');
      },
      {
        firstDelayMs: 100,
        maxDelayMs: 400,
        sleep: async (ms) => {
          delays.push(ms);
          if (delays.length === 6) answers = true;
        },
      },
    );
    await expect(gate.whenOpen()).resolves.toBeUndefined();
    expect(gate.closed).toBe(false);

    const reopened = gate.close('connect ECONNREFUSED');
    expect(gate.closed).toBe(true);
    // A second failure while closed does not start a second probe loop.
    expect(gate.close('again')).toBe(reopened);
    await gate.whenOpen();
    expect(gate.closed).toBe(false);
    expect(delays).toEqual([100, 200, 400, 400, 400, 400]);
    expect(probes).toBe(6);
  });
});
