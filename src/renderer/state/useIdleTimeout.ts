// Inactivity on screen: after `idleSec` without a touch or key the warning
// counts down `warningSec` seconds; "continue" restarts the wait, zero wipes.
// Touches also tell the core the citizen is still there (at most every
// 10 s), so the core's own expiry never fires while someone is using the booth.
import { useCallback, useEffect, useRef, useState } from 'react';
import { KEEPALIVE_INTERVAL_SEC } from '../../shared/contract/schemas';

const KEEPALIVE_EVERY_MS = KEEPALIVE_INTERVAL_SEC * 1000;

export interface IdleOptions {
  enabled: boolean;
  idleSec: number;
  warningSec: number;
  onActivity: () => void;
  onExpire: () => void;
}

/** Seconds left on the warning, or null while no warning is shown; and the "continue" action. */
export function useIdleTimeout({ enabled, idleSec, warningSec, onActivity, onExpire }: IdleOptions): {
  secondsLeft: number | null;
  extend: () => void;
} {
  const [secondsLeft, setSecondsLeft] = useState<number | null>(null);
  const lastActivity = useRef(Date.now());
  const lastKeepAlive = useRef(0);
  const warning = useRef(false);

  const extend = useCallback(() => {
    lastActivity.current = Date.now();
    lastKeepAlive.current = Date.now();
    warning.current = false;
    setSecondsLeft(null);
    onActivity();
  }, [onActivity]);

  useEffect(() => {
    if (!enabled) {
      warning.current = false;
      setSecondsLeft(null);
      return;
    }
    lastActivity.current = Date.now();
    const onInput = () => {
      // While the warning shows, only its button counts as "still here".
      if (warning.current) return;
      lastActivity.current = Date.now();
      if (Date.now() - lastKeepAlive.current >= KEEPALIVE_EVERY_MS) {
        lastKeepAlive.current = Date.now();
        onActivity();
      }
    };
    const tick = () => {
      const idleFor = (Date.now() - lastActivity.current) / 1000;
      if (idleFor < idleSec) return;
      const left = Math.max(0, Math.ceil(idleSec + warningSec - idleFor));
      warning.current = true;
      setSecondsLeft(left);
      if (left === 0) {
        warning.current = false;
        setSecondsLeft(null);
        onExpire();
      }
    };
    const events = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;
    events.forEach((name) => window.addEventListener(name, onInput, { capture: true, passive: true }));
    const timer = setInterval(tick, 250);
    return () => {
      events.forEach((name) => window.removeEventListener(name, onInput, { capture: true }));
      clearInterval(timer);
    };
  }, [enabled, idleSec, warningSec, onActivity, onExpire]);

  return { secondsLeft, extend };
}
