/**
 * Per-arm request and 5xx counts over the last `windowSeconds`, in one-second slots of a ring
 * buffer: O(1) to record, O(window) to read, no timers. Time comes from the injected clock.
 */
import type { Clock } from '../../src/lib/clock.js';
import type { Arm } from '../policy/rollout-policy.js';

export interface ArmWindow {
  requests: number;
  errors: number;
}

export interface SlidingWindow {
  record(arm: Arm, isError: boolean): void;
  read(arm: Arm): ArmWindow;
  reset(): void;
}

export function createSlidingWindow(windowSeconds: number, clock: Clock): SlidingWindow {
  const slots = () => ({
    second: new Float64Array(windowSeconds).fill(-1),
    requests: new Int32Array(windowSeconds),
    errors: new Int32Array(windowSeconds),
  });
  let arms = { legacy: slots(), new: slots() };
  const nowSecond = () => Math.floor(clock.now().getTime() / 1000);

  return {
    record(arm, isError) {
      const second = nowSecond();
      const s = arms[arm];
      const i = second % windowSeconds;
      if (s.second[i] !== second) {
        s.second[i] = second;
        s.requests[i] = 0;
        s.errors[i] = 0;
      }
      s.requests[i]! += 1;
      if (isError) s.errors[i]! += 1;
    },
    read(arm) {
      const oldest = nowSecond() - windowSeconds;
      const s = arms[arm];
      let requests = 0;
      let errors = 0;
      for (let i = 0; i < windowSeconds; i++) {
        if (s.second[i]! > oldest) {
          requests += s.requests[i]!;
          errors += s.errors[i]!;
        }
      }
      return { requests, errors };
    },
    reset() {
      arms = { legacy: slots(), new: slots() };
    },
  };
}
