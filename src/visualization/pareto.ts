/**
 * Non-dominated filtering fast enough for 100,000 trials: the Pareto front of points under
 * minimization (callers flip maximized objectives).
 */

/** Whether a is no worse than b everywhere and better somewhere (minimization). */
function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let k = 0; k < a.length; k++) {
    if (a[k]! > b[k]!) return false;
    if (a[k]! < b[k]!) better = true;
  }
  return better;
}

/**
 * Indices of the non-dominated points. Points are visited in lexicographic order, so a point
 * can only be dominated by one visited before it, and only front members need checking: with
 * two objectives a running minimum suffices (O(n log n)); with more, O(n × front size).
 */
export function nonDominated(points: readonly (readonly number[])[]): number[] {
  const order = points.map((_, i) => i);
  order.sort((i, j) => {
    const a = points[i]!;
    const b = points[j]!;
    for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k]! - b[k]!;
    return i - j;
  });
  const front: number[] = [];
  if (points.length > 0 && points[0]!.length === 2) {
    let bestY = Number.POSITIVE_INFINITY;
    let lastX = Number.NaN;
    let lastY = Number.NaN;
    for (const i of order) {
      const [x, y] = points[i]! as [number, number];
      // Equal points are all on the front (neither dominates the other).
      if (x === lastX && y === lastY) {
        front.push(i);
        continue;
      }
      if (y < bestY) {
        front.push(i);
        bestY = y;
        lastX = x;
        lastY = y;
      }
    }
  } else {
    for (const i of order) {
      const p = points[i]!;
      if (!front.some((f) => dominates(points[f]!, p))) front.push(i);
    }
  }
  return front.sort((a, b) => a - b);
}
