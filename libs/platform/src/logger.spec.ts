import { createLogger } from './logger';

describe('createLogger', () => {
  it('writes no credential, whoever logs it and however (message, error stack)', () => {
    const written: string[] = [];
    const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const logger = createLogger('debug');
      logger.warn('ffmpeg exited: rtsp://admin:s3cret@10.0.0.5/cam/1: 401', 'streams');
      logger.debug('GET /snap.cgi?user=admin&password=s3cret', 'gateway');
      logger.error(
        'probe failed',
        'Error: at http://admin:s3cret@10.0.0.5/onvif\n    at x (y.ts:1:1)',
        'http',
      );
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    const text = written.join('');
    expect(text).toContain('rtsp://admin:***@10.0.0.5/cam/1');
    expect(text).toContain('password=***');
    expect(text).toContain('http://admin:***@10.0.0.5/onvif');
    expect(text).not.toContain('s3cret');
  });
});

describe('createLogger without a stack', () => {
  it('logs an error that carries no stack instead of crashing the logger', () => {
    const written: string[] = [];
    const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const logger = createLogger('debug');
      const stackless = new Error('listen EADDRINUSE: address already in use :::25500');
      stackless.stack = undefined;
      expect(() => logger.error(stackless)).not.toThrow();
    } finally {
      err.mockRestore();
    }
    expect(written.join('')).toContain('EADDRINUSE');
  });
});
