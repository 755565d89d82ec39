// Summary statistics of timing samples. The median is the figure every table reports: on a shared
// 2-core machine a sample is slowed by other work far more often than it is sped up, so the mean
// is dragged upwards and the minimum flatters; the median of several samples is robust to both.

function sortedCopy(values) {
  if (!Array.isArray(values) && !ArrayBuffer.isView(values)) throw new TypeError('Expected an array of numbers for values');
  const out = Float64Array.from(values);
  for (const v of out) if (!Number.isFinite(v)) throw new RangeError(`Expected finite numbers for values but received ${v}`);
  return out.sort();
}

/** Linear-interpolation quantile (type 7, as numpy and R default to) of already sorted values. */
function quantileSorted(sorted, q) {
  if (sorted.length === 0) throw new RangeError('Expected at least one value');
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function quantile(values, q) {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`Expected a number in [0, 1] for q but received ${q}`);
  return quantileSorted(sortedCopy(values), q);
}

export function median(values) {
  return quantile(values, 0.5);
}

/**
 * Median, quartiles, extremes and the spread: the interquartile range relative to the median, a
 * noise figure that one slow outlier cannot inflate (0.05 means the middle half of the samples lie
 * within 5% of the median's size).
 */
export function summarize(values) {
  const sorted = sortedCopy(values);
  const med = quantileSorted(sorted, 0.5);
  const p25 = quantileSorted(sorted, 0.25);
  const p75 = quantileSorted(sorted, 0.75);
  return {
    n: sorted.length,
    median: med,
    p25,
    p75,
    min: sorted[0],
    max: sorted[sorted.length - 1],
    spread: med > 0 ? (p75 - p25) / med : 0,
  };
}
