/** Draws an index with probability proportional to its weight, by binary search over cumulative weights. */
export function weightedSampler(weights: readonly number[], random: () => number): () => number {
  const cumulative: number[] = [];
  let total = 0;
  for (const [index, weight] of weights.entries()) {
    if (!(weight >= 0) || !Number.isFinite(weight)) throw new RangeError(`weights[${index}] must be a finite number >= 0, got ${weight}`);
    cumulative.push((total += weight));
  }
  if (total <= 0) throw new RangeError("weights must not all be zero");
  return () => {
    const target = random() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (cumulative[mid]! <= target) low = mid + 1;
      else high = mid;
    }
    return low;
  };
}
