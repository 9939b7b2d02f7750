/** A cumulative histogram: the count of observations at most `le`, for each bucket bound. */
export type Buckets = ReadonlyMap<number, number>;

/**
 * The `q` quantile (0..1) of a cumulative histogram, as Prometheus's `histogram_quantile` works it
 * out: linear interpolation inside the bucket the rank falls in, from 0 for the first bucket.
 * A rank in the `+Inf` bucket gives the largest finite bound. Undefined without observations.
 */
export function histogramQuantile(q: number, buckets: Buckets): number | undefined {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const total = buckets.get(Infinity) ?? buckets.get(bounds.at(-1) ?? Infinity) ?? 0;
  if (total <= 0 || bounds.length === 0) return undefined;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const bound of bounds) {
    const count = buckets.get(bound) ?? 0;
    if (count >= rank) {
      if (bound === Infinity) return lower;
      const inBucket = count - below;
      return inBucket <= 0 ? bound : lower + ((bound - lower) * (rank - below)) / inBucket;
    }
    lower = bound;
    below = count;
  }
  return lower;
}

/** `a - b` bucket by bucket (a counter reset, where `a` is below `b`, counts `a` whole). */
export function subtractBuckets(a: Buckets, b: Buckets | undefined): Map<number, number> {
  const reset = b !== undefined && (a.get(Infinity) ?? 0) < (b.get(Infinity) ?? 0);
  const out = new Map<number, number>();
  for (const [bound, count] of a) out.set(bound, reset ? count : count - (b?.get(bound) ?? 0));
  return out;
}

/** The bucket-by-bucket sum of several histograms with the same bounds. */
export function addBuckets(histograms: readonly Buckets[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const h of histograms) {
    for (const [bound, count] of h) out.set(bound, (out.get(bound) ?? 0) + count);
  }
  return out;
}
