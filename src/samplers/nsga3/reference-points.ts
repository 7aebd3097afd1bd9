/**
 * Structured reference points on the unit simplex (Das & Dennis 1998, "Normal-boundary
 * intersection", SIAM J. Optim. 8(3)), as NSGA-III uses them: every point whose m coordinates
 * are multiples of 1/p summing to 1. There are C(m + p − 1, p) of them.
 */

/** Das–Dennis points for `m` objectives and `p` divisions, as rows of a Float64Array (k × m). */
export function dasDennisPoints(m: number, p: number): { points: Float64Array; count: number } {
  if (!(Number.isInteger(m) && m >= 1 && Number.isInteger(p) && p >= 1)) {
    throw new RangeError(`dasDennisPoints: need integers m >= 1 and p >= 1, got ${m}, ${p}.`);
  }
  const rows: number[][] = [];
  const current = new Array<number>(m).fill(0);
  // Distribute `left` divisions over coordinates k..m−1 (the last takes what remains).
  const fill = (k: number, left: number): void => {
    if (k === m - 1) {
      current[k] = left;
      rows.push(current.map((c) => c / p));
      return;
    }
    for (let c = left; c >= 0; c--) {
      current[k] = c;
      fill(k + 1, left - c);
    }
  };
  fill(0, p);
  const points = new Float64Array(rows.length * m);
  rows.forEach((row, i) => {
    points.set(row, i * m);
  });
  return { points, count: rows.length };
}
