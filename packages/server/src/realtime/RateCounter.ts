/**
 * The real server's per-project message counter: counts accumulate between ticks, each tick
 * closes a bucket, and the rate is the average over the last `buckets` buckets.
 */
export class RateCounter {
  private readonly history: number[] = [];
  private current = 0;
  private readonly timer: NodeJS.Timeout;
  /** Whether the last tick found the average at or over the limit. */
  tripped = false;

  constructor(
    private readonly limitPerSecond: number,
    private readonly tickMs: number,
    private readonly buckets: number,
    private readonly onTrip: (average: number) => void,
  ) {
    this.timer = setInterval(() => {
      try {
        this.tick();
      } catch {
        // Only the trip callback can throw (a failing logger); the counter itself stays sound.
      }
    }, tickMs);
    this.timer.unref();
  }

  add(count = 1): void {
    this.current += count;
  }

  /** The average events per second over the buckets closed so far. */
  get average(): number {
    if (this.history.length === 0) return 0;
    const sum = this.history.reduce((total, count) => total + count, 0);
    return sum / this.history.length / (this.tickMs / 1000);
  }

  private tick(): void {
    this.history.push(this.current);
    this.current = 0;
    if (this.history.length > this.buckets) this.history.shift();
    const wasTripped = this.tripped;
    this.tripped = this.average >= this.limitPerSecond;
    if (this.tripped && !wasTripped) this.onTrip(this.average);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
