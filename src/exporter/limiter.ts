/**
 * The exporter's concurrency limit: at most `limit` probes at once, at most `maxQueue` waiting for a slot, each
 * waiting no longer than its own budget. A full queue or an expired wait gets `null` at once (the caller answers
 * 503), so an overloaded exporter sheds load instead of piling up sockets.
 */

type Release = () => void;

interface Waiter {
  readonly grant: (release: Release) => void;
  readonly timer: NodeJS.Timeout;
}

export class Limiter {
  #active = 0;
  readonly #queue: Waiter[] = [];

  constructor(readonly limit: number, readonly maxQueue: number) {}

  /** Probes running now. */
  get active(): number {
    return this.#active;
  }

  /** Requests waiting for a slot. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** A release function once a slot is free, or null when the queue is full or `waitMs` passes first. */
  acquire(waitMs: number): Promise<Release | null> {
    if (this.#active < this.limit) return Promise.resolve(this.#take());
    if (this.#queue.length >= this.maxQueue) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        grant: (release) => resolve(release),
        timer: setTimeout(() => {
          this.#queue.splice(this.#queue.indexOf(waiter), 1);
          resolve(null);
        }, Math.max(0, waitMs)),
      };
      this.#queue.push(waiter);
    });
  }

  #take(): Release {
    this.#active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active--;
      const next = this.#queue.shift();
      if (next) {
        clearTimeout(next.timer);
        next.grant(this.#take());
      }
    };
  }
}
