import { isRedisUnavailableError } from './redis';

describe('isRedisUnavailableError', () => {
  const withCode = (message: string, code: string): Error => Object.assign(new Error(message), { code });
  const named = (message: string, name: string): Error => Object.assign(new Error(message), { name });

  it.each([
    [new Error("Stream isn't writeable and enableOfflineQueue options is false"), true],
    [new Error('Connection is closed.'), true],
    [new Error('Command timed out'), true],
    [named('Reached the max retries per request limit (which is 1).', 'MaxRetriesPerRequestError'), true],
    [withCode('connect ECONNREFUSED 127.0.0.1:6380', 'ECONNREFUSED'), true],
    [new Error('WRONGTYPE Operation against a key holding the wrong kind of value'), false],
    [new Error('something else'), false],
    ['Connection is closed.', false],
    [undefined, false],
  ])('%p → %p', (error, expected) => {
    expect(isRedisUnavailableError(error)).toBe(expected);
  });
});
