import { strictFake } from './strict-fake';

interface Camera {
  name(): string;
  move(x: number): number;
}

describe('strictFake', () => {
  it('answers the methods it was given and fails on any other, naming it', () => {
    const fake = strictFake<Camera>('Camera', { name: () => 'gate' });
    expect(fake.name()).toBe('gate');
    expect(() => fake.move(1)).toThrow('unexpected call: Camera.move()');
  });

  it('is not mistaken for a promise when awaited', async () => {
    const fake = strictFake<Camera>('Camera', {});
    await expect(Promise.resolve(fake)).resolves.toBe(fake);
  });
});
