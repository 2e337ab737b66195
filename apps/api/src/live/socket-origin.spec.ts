import { isAllowedSocketOrigin } from './socket-origin';

describe('isAllowedSocketOrigin', () => {
  it.each([
    // origin, host, listed, allowed
    [undefined, 'localhost:3000', [], true],
    ['http://localhost:3000', 'localhost:3000', [], true],
    ['http://LOCALHOST:3000', 'LocalHost:3000', [], true],
    ['http://evil.example', 'localhost:3000', [], false],
    ['http://localhost:3001', 'localhost:3000', [], false],
    ['null', 'localhost:3000', [], false],
    ['http://localhost:3000', undefined, [], false],
    ['https://console.example.org', 'api.internal:3000', ['https://console.example.org'], true],
    ['http://api.internal:3000', 'api.internal:3000', ['https://console.example.org'], true],
    ['https://evil.example', 'api.internal:3000', ['https://console.example.org'], false],
  ] as const)('%s to %s with %j: %s', (origin, host, listed, allowed) => {
    expect(isAllowedSocketOrigin(origin, host, listed)).toBe(allowed);
  });
});
