/**
 * Debounced, once-per-version scheduling of document validation.
 * Plain TypeScript (no vscode) so the bookkeeping is unit-testable with fake timers.
 */

export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: Timers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

interface Pending {
  version: number;
  handle: unknown;
}

/**
 * Runs `validate(key, version)` at most once per (key, version), `delayMs` after the last request
 * for that key. A newer version supersedes a pending older one; `forget` resets a key so the next
 * request validates even the same version again (settings or config changed).
 */
export class ValidationScheduler {
  private readonly pending = new Map<string, Pending>();
  private readonly done = new Map<string, number>();

  constructor(
    private readonly validate: (key: string, version: number) => void,
    private readonly delayMs: number,
    private readonly timers: Timers = realTimers,
  ) {}

  /** Returns false when that version was already validated or is already scheduled. */
  request(key: string, version: number, immediate = false): boolean {
    if (this.done.get(key) === version) return false;
    const existing = this.pending.get(key);
    if (existing) {
      if (existing.version === version && !immediate) return false;
      this.timers.clear(existing.handle);
    }
    const handle = this.timers.set(() => this.run(key, version), immediate ? 0 : this.delayMs);
    this.pending.set(key, { version, handle });
    return true;
  }

  /** Forget what was validated, so the next request runs again (config or settings changed). */
  forget(key?: string): void {
    if (key === undefined) this.done.clear();
    else this.done.delete(key);
  }

  /** Stop tracking a closed document. */
  drop(key: string): void {
    const existing = this.pending.get(key);
    if (existing) this.timers.clear(existing.handle);
    this.pending.delete(key);
    this.done.delete(key);
  }

  isPending(key: string): boolean {
    return this.pending.has(key);
  }

  dispose(): void {
    for (const { handle } of this.pending.values()) this.timers.clear(handle);
    this.pending.clear();
    this.done.clear();
  }

  private run(key: string, version: number): void {
    const current = this.pending.get(key);
    if (!current || current.version !== version) return;
    this.pending.delete(key);
    this.done.set(key, version);
    this.validate(key, version);
  }
}
