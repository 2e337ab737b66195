import { fairShare, planLeases } from './lease-keys';

describe('camera lease planning', () => {
  it.each([
    [10, 1, 10],
    [10, 2, 5],
    [10, 3, 4],
    [0, 2, 0],
    [5, 0, 5],
  ])('%i cameras over %i gateways → share %i', (cams, gws, share) => {
    expect(fairShare(cams, gws)).toBe(share);
  });

  it('claims unowned cameras up to the share', () => {
    expect(planLeases({ mine: ['a'], unowned: ['b', 'c', 'd'], share: 3 })).toEqual({
      claim: ['b', 'c'],
      release: [],
    });
  });

  it('releases above the share, idle cameras before ones with live streams', () => {
    const plan = planLeases({ mine: ['a', 'b', 'c', 'd'], unowned: [], share: 2, busy: new Set(['a', 'b']) });
    expect(plan).toEqual({ claim: [], release: ['c', 'd'] });
  });
});
