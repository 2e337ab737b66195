/**
 * A stand-in for a repository or adapter in a unit test: it answers only the methods the test
 * gives it, and any other call fails with the method's name. A service that starts reading or
 * writing something new then breaks its unit test instead of passing on an accidental default.
 */
export function strictFake<T extends object>(name: string, given: Partial<T>, unexpected?: string[]): T {
  return new Proxy(given, {
    get(target, prop) {
      if (typeof prop === 'symbol' || prop in target) return Reflect.get(target, prop);
      // Awaiting or printing the fake probes these; they are not calls the code under test made.
      if (prop === 'then' || prop === 'toJSON' || prop === 'asymmetricMatch') return undefined;
      return () => {
        // Recorded as well as thrown: a `.catch()` in the code under test may swallow the throw.
        unexpected?.push(`${name}.${prop}`);
        throw new Error(`unexpected call: ${name}.${prop}()`);
      };
    },
  }) as T;
}
