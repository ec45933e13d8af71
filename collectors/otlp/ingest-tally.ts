/** Items of one export request: how many came, how many were rejected and why. */
export class IngestTally {
  received = 0;
  /** Accepted but not used by the rollup (e.g. INTERNAL spans, gauges). */
  ignored = 0;
  rejected = 0;
  private readonly reasons = new Map<string, number>();

  reject(reason: string): void {
    this.rejected++;
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
  }

  /** `partial_success.error_message`: every reason with its count, in English. */
  message(itemName: string): string {
    if (this.rejected === 0) return '';
    const parts = [...this.reasons].map(([reason, n]) => `${n} ${reason}`);
    return `${this.rejected} ${itemName} rejected: ${parts.join('; ')}`;
  }
}
