import { until } from './wait';

/** The one poll's contract, which every integration suite relies on. */
describe('until', () => {
  it('resolves with the first truthy answer', async () => {
    const answers = [undefined, false, 0, '', null, { id: 7 }];
    await expect(until('the seventh row', () => answers.shift(), 5_000)).resolves.toEqual({ id: 7 });
    expect(answers).toEqual([]);
  });

  it('awaits an async probe', async () => {
    let calls = 0;
    await expect(until('three calls', async () => ++calls >= 3, 5_000)).resolves.toBe(true);
    expect(calls).toBe(3);
  });

  it('fails naming what it waited for once the bound has passed', async () => {
    await expect(until('the camera online', () => false, 0)).rejects.toThrow(
      'timed out waiting for the camera online',
    );
  });

  it('ends at once with the error of a probe that throws', async () => {
    let calls = 0;
    const probe = (): boolean => {
      calls++;
      throw new Error('gateway exited');
    };
    await expect(until('the gateway ready', probe, 5_000)).rejects.toThrow('gateway exited');
    expect(calls).toBe(1);
  });
});
