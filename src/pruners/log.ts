/**
 * The natural logarithm rounded correctly to the nearest double, as glibc's `log` (which
 * Python's `math.log` calls) returns it. V8's `Math.log` can be one ulp off (Math.log(3) is
 * 1.0986122886681096; the nearest double to ln 3 is 1.0986122886681098), which changes
 * floor(log(243) / log(3)) and so the number of Hyperband brackets. Computed in double-double
 * arithmetic: x = m · 2^e with m in [√½, √2), ln m = 2 atanh((m − 1) / (m + 1)).
 */

type DD = [number, number];

const SPLITTER = 134217729; // 2^27 + 1
const LN2: DD = [Math.LN2, 2.3190468138462996e-17];

function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

function quickTwoSum(a: number, b: number): DD {
  const s = a + b;
  return [s, b - (s - a)];
}

function twoProd(a: number, b: number): DD {
  const p = a * b;
  let c = SPLITTER * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLITTER * b;
  const bh = c - (c - b);
  const bl = b - bh;
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

function add(a: DD, b: DD): DD {
  const [s, e] = twoSum(a[0], b[0]);
  const [t, f] = twoSum(a[1], b[1]);
  const [s2, e2] = quickTwoSum(s, e + t);
  return quickTwoSum(s2, e2 + f);
}

function mul(a: DD, b: DD): DD {
  const [p, e] = twoProd(a[0], b[0]);
  return quickTwoSum(p, e + (a[0] * b[1] + a[1] * b[0]));
}

function div(a: DD, b: DD): DD {
  const q1 = a[0] / b[0];
  let r = add(a, mul(b, [-q1, 0]));
  const q2 = r[0] / b[0];
  r = add(r, mul(b, [-q2, 0]));
  const q3 = r[0] / b[0];
  return add(quickTwoSum(q1, q2), [q3, 0]);
}

/** ln x for a positive finite x, correctly rounded (up to double-double accuracy). */
export function logCorrectlyRounded(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return Math.log(x);
  let e = Math.floor(Math.log2(x));
  let m = x / 2 ** e;
  // Math.log2 may be off by one near powers of two; put m in [√½, √2).
  while (m >= Math.SQRT2) {
    m /= 2;
    e++;
  }
  while (m < Math.SQRT1_2) {
    m *= 2;
    e--;
  }
  const s = div([m - 1, 0], twoSum(m, 1));
  const s2 = mul(s, s);
  let power = s;
  let sum: DD = s;
  for (let k = 3; k < 200; k += 2) {
    power = mul(power, s2);
    const term = div(power, [k, 0]);
    sum = add(sum, term);
    if (Math.abs(term[0]) < 1e-36 * Math.abs(sum[0]) || term[0] === 0) break;
  }
  const lnM = mul(sum, [2, 0]);
  const result = add(mul(LN2, [e, 0]), lnM);
  return result[0] + result[1];
}
