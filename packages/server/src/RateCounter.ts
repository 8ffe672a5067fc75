/**
 * Counts events in one-second buckets and reports the average rate over a sliding window,
 * the way the real server averages its per-project message counters.
 */
export class RateCounter {
  private readonly buckets: number[];
  private currentSecond = Math.floor(Date.now() / 1000);
  private total = 0;

  constructor(private readonly windowSeconds: number) {
    this.buckets = new Array<number>(Math.max(1, windowSeconds)).fill(0);
  }

  /** Adds `count` events now and returns the average events per second over the window. */
  add(count = 1): number {
    this.advance();
    const index = this.currentSecond % this.buckets.length;
    this.buckets[index] = (this.buckets[index] ?? 0) + count;
    this.total += count;
    return this.total / this.buckets.length;
  }

  private advance(): void {
    const second = Math.floor(Date.now() / 1000);
    if (second === this.currentSecond) return;
    const elapsed = Math.min(second - this.currentSecond, this.buckets.length);
    for (let i = 1; i <= elapsed; i++) {
      const index = (this.currentSecond + i) % this.buckets.length;
      this.total -= this.buckets[index] ?? 0;
      this.buckets[index] = 0;
    }
    this.currentSecond = second;
  }
}
