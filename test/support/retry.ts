/**
 * Integration tests drive real processes (PostgreSQL, Redis, ffmpeg, Chromium, simulated
 * cameras) on a shared 2-core machine, where a rare scheduling hiccup can fail a sound test.
 * One retry keeps such a hiccup from failing the run; the first failure is still printed, so a
 * test that needs its retry shows up in the log and gets fixed rather than hidden.
 */
jest.retryTimes(1, { logErrorsBeforeRetry: true });
