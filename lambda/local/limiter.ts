/**
 * A counting semaphore for the local server: at most `maxActive` tasks run at once, the others
 * wait in arrival order. Pure (no I/O, no timers).
 */

export interface Limiter {
  /**
   * Runs `task` once fewer than `maxActive` tasks are running; resolves or rejects with it. A
   * task that throws frees its slot like one that returns.
   */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks running now. */
  readonly active: number;
  /** Tasks waiting for a slot. */
  readonly waiting: number;
}

/**
 * Creates a {@link Limiter}.
 *
 * @param maxActive most tasks running at once; an integer >= 1.
 * @throws RangeError for any other `maxActive`.
 */
export function createLimiter(maxActive: number): Limiter {
  if (!Number.isInteger(maxActive) || maxActive < 1) {
    throw new RangeError(`maxActive must be an integer >= 1, got ${maxActive}`);
  }
  let active = 0;
  const queue: (() => void)[] = [];

  const release = (): void => {
    const next = queue.shift();
    // The slot passes straight to the next waiter, so `active` does not change.
    if (next === undefined) active -= 1;
    else next();
  };

  const acquire = (): Promise<void> => {
    if (active < maxActive) {
      active += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => queue.push(resolve));
  };

  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      await acquire();
      try {
        return await task();
      } finally {
        release();
      }
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
  };
}
