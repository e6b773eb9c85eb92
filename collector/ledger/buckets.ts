// Rollup buckets: an interval's usage is spread over the hour buckets it overlaps, in proportion to
// the time spent in each. For 1 s samples that is exact but for the one interval that straddles the
// hour; for a long gap (cgmeter was down) it assumes a steady rate across the gap, an estimate.

export const HOUR_MS = 3_600_000;

export interface BucketShare {
  readonly bucketMs: number;
  readonly fraction: number;
}

export function bucketOf(timeMs: number, bucketMs = HOUR_MS): number {
  return Math.floor(timeMs / bucketMs) * bucketMs;
}

/**
 * The buckets that [startMs, endMs] overlaps, with the share of the interval in each (summing to 1).
 * An empty interval belongs wholly to the bucket of its end. At most `maxBuckets` are returned: the
 * earliest ones are dropped (with their share) when a gap is longer than anything still retained.
 */
export function splitInterval(startMs: number, endMs: number, bucketMs = HOUR_MS, maxBuckets = Infinity): BucketShare[] {
  const last = bucketOf(endMs, bucketMs);
  if (!(endMs > startMs) || bucketOf(startMs, bucketMs) === last) return [{ bucketMs: last, fraction: 1 }];
  const span = endMs - startMs;
  const shares: BucketShare[] = [];
  for (let bucket = last; bucket + bucketMs > startMs && shares.length < maxBuckets; bucket -= bucketMs) {
    const from = Math.max(bucket, startMs);
    const to = Math.min(bucket + bucketMs, endMs);
    if (to > from) shares.push({ bucketMs: bucket, fraction: (to - from) / span });
  }
  return shares.reverse();
}
