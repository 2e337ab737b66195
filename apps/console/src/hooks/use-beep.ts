import { useCallback, useRef } from 'react';

/** A short two-tone alert made with WebAudio, so no sound asset has to ship. */
export function useBeep(): () => void {
  const ctxRef = useRef<AudioContext | null>(null);
  return useCallback(() => {
    try {
      const ctx = (ctxRef.current ??= new AudioContext());
      if (ctx.state === 'suspended') void ctx.resume();
      const t0 = ctx.currentTime;
      [880, 660].forEach((freq, i) => {
        const osc = ctx.createOscillator();
        const gain = ctx.createGain();
        osc.type = 'sine';
        osc.frequency.value = freq;
        const start = t0 + i * 0.18;
        gain.gain.setValueAtTime(0.0001, start);
        gain.gain.exponentialRampToValueAtTime(0.25, start + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.16);
        osc.connect(gain).connect(ctx.destination);
        osc.start(start);
        osc.stop(start + 0.17);
      });
    } catch {
      // No audio device (or autoplay policy before any click): the highlight still shows.
    }
  }, []);
}
