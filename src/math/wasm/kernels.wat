;; Numeric kernels in WebAssembly with 128-bit SIMD (two f64 lanes), for the hot loops of the
;; GP sampler that are bound by floating-point throughput in JavaScript, which has no SIMD.
;; Compiled by `npm run build:wasm` into kernels-binary.ts; a test checks that the two agree.
;;
;; Every lane performs exactly the operations, in the order, of the plain scalar loop it
;; replaces (there is no fused multiply-add in WebAssembly SIMD), so results are bit-identical
;; to the JavaScript fallbacks. Pointers are byte offsets into the exported memory.
(module
  (memory (export "memory") 1)
  ;; variance8(L, n, R, out): for 8 points at once, out[b] = Σ_i (Σ_{k ≤ i} L[i, k] R[k, b])²,
  ;; i.e. ‖L⁻¹ k_b‖² for the packed lower-triangular L⁻¹ (rows in order, row i holding i + 1
  ;; entries) and kernel vectors k_b stored interleaved: R[8 k + b]. Rows go in pairs so that
  ;; each load of R feeds two rows; every sum runs over k, then over i, in increasing order.
  (func (export "variance8") (param $L i32) (param $n i32) (param $R i32) (param $out i32)
    (local $i i32) (local $p i32) (local $p1 i32) (local $pa i32) (local $r i32) (local $end i32) (local $gap i32)
    (local $a v128) (local $b v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $k0 v128) (local $k1 v128) (local $k2 v128) (local $k3 v128)
    (local.set $p (local.get $L))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_s (i32.add (local.get $i) (i32.const 1)) (local.get $n)))
        (local.set $gap (i32.shl (i32.add (local.get $i) (i32.const 1)) (i32.const 3)))
        (local.set $p1 (i32.add (local.get $p) (local.get $gap)))
        (local.set $s0 (v128.const i64x2 0 0)) (local.set $s1 (v128.const i64x2 0 0))
        (local.set $s2 (v128.const i64x2 0 0)) (local.set $s3 (v128.const i64x2 0 0))
        (local.set $t0 (v128.const i64x2 0 0)) (local.set $t1 (v128.const i64x2 0 0))
        (local.set $t2 (v128.const i64x2 0 0)) (local.set $t3 (v128.const i64x2 0 0))
        (local.set $pa (local.get $p))
        (local.set $r (local.get $R))
        (loop $inner
          (local.set $a (f64x2.splat (f64.load (local.get $pa))))
          (local.set $b (f64x2.splat (f64.load (i32.add (local.get $pa) (local.get $gap)))))
          (local.set $k0 (v128.load (local.get $r)))
          (local.set $k1 (v128.load offset=16 (local.get $r)))
          (local.set $k2 (v128.load offset=32 (local.get $r)))
          (local.set $k3 (v128.load offset=48 (local.get $r)))
          (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $a) (local.get $k0))))
          (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $a) (local.get $k1))))
          (local.set $s2 (f64x2.add (local.get $s2) (f64x2.mul (local.get $a) (local.get $k2))))
          (local.set $s3 (f64x2.add (local.get $s3) (f64x2.mul (local.get $a) (local.get $k3))))
          (local.set $t0 (f64x2.add (local.get $t0) (f64x2.mul (local.get $b) (local.get $k0))))
          (local.set $t1 (f64x2.add (local.get $t1) (f64x2.mul (local.get $b) (local.get $k1))))
          (local.set $t2 (f64x2.add (local.get $t2) (f64x2.mul (local.get $b) (local.get $k2))))
          (local.set $t3 (f64x2.add (local.get $t3) (f64x2.mul (local.get $b) (local.get $k3))))
          (local.set $r (i32.add (local.get $r) (i32.const 64)))
          (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
          (br_if $inner (i32.lt_u (local.get $pa) (local.get $p1))))
        ;; last entry of row i + 1 (k = i + 1)
        (local.set $b (f64x2.splat (f64.load (i32.add (local.get $p1) (local.get $gap)))))
        (local.set $t0 (f64x2.add (local.get $t0) (f64x2.mul (local.get $b) (v128.load (local.get $r)))))
        (local.set $t1 (f64x2.add (local.get $t1) (f64x2.mul (local.get $b) (v128.load offset=16 (local.get $r)))))
        (local.set $t2 (f64x2.add (local.get $t2) (f64x2.mul (local.get $b) (v128.load offset=32 (local.get $r)))))
        (local.set $t3 (f64x2.add (local.get $t3) (f64x2.mul (local.get $b) (v128.load offset=48 (local.get $r)))))
        (local.set $v0 (f64x2.add (local.get $v0) (f64x2.mul (local.get $s0) (local.get $s0))))
        (local.set $v1 (f64x2.add (local.get $v1) (f64x2.mul (local.get $s1) (local.get $s1))))
        (local.set $v2 (f64x2.add (local.get $v2) (f64x2.mul (local.get $s2) (local.get $s2))))
        (local.set $v3 (f64x2.add (local.get $v3) (f64x2.mul (local.get $s3) (local.get $s3))))
        (local.set $v0 (f64x2.add (local.get $v0) (f64x2.mul (local.get $t0) (local.get $t0))))
        (local.set $v1 (f64x2.add (local.get $v1) (f64x2.mul (local.get $t1) (local.get $t1))))
        (local.set $v2 (f64x2.add (local.get $v2) (f64x2.mul (local.get $t2) (local.get $t2))))
        (local.set $v3 (f64x2.add (local.get $v3) (f64x2.mul (local.get $t3) (local.get $t3))))
        (local.set $p (i32.add (local.get $p1) (i32.add (local.get $gap) (i32.const 8))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $rows)))
    ;; odd n: the last row alone
    (if (i32.lt_s (local.get $i) (local.get $n))
      (then
        (local.set $s0 (v128.const i64x2 0 0)) (local.set $s1 (v128.const i64x2 0 0))
        (local.set $s2 (v128.const i64x2 0 0)) (local.set $s3 (v128.const i64x2 0 0))
        (local.set $end (i32.add (local.get $p) (i32.shl (i32.add (local.get $i) (i32.const 1)) (i32.const 3))))
        (local.set $pa (local.get $p))
        (local.set $r (local.get $R))
        (loop $last
          (local.set $a (f64x2.splat (f64.load (local.get $pa))))
          (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $a) (v128.load (local.get $r)))))
          (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $a) (v128.load offset=16 (local.get $r)))))
          (local.set $s2 (f64x2.add (local.get $s2) (f64x2.mul (local.get $a) (v128.load offset=32 (local.get $r)))))
          (local.set $s3 (f64x2.add (local.get $s3) (f64x2.mul (local.get $a) (v128.load offset=48 (local.get $r)))))
          (local.set $r (i32.add (local.get $r) (i32.const 64)))
          (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
          (br_if $last (i32.lt_u (local.get $pa) (local.get $end))))
        (local.set $v0 (f64x2.add (local.get $v0) (f64x2.mul (local.get $s0) (local.get $s0))))
        (local.set $v1 (f64x2.add (local.get $v1) (f64x2.mul (local.get $s1) (local.get $s1))))
        (local.set $v2 (f64x2.add (local.get $v2) (f64x2.mul (local.get $s2) (local.get $s2))))
        (local.set $v3 (f64x2.add (local.get $v3) (f64x2.mul (local.get $s3) (local.get $s3))))))
    (v128.store (local.get $out) (local.get $v0))
    (v128.store offset=16 (local.get $out) (local.get $v1))
    (v128.store offset=32 (local.get $out) (local.get $v2))
    (v128.store offset=48 (local.get $out) (local.get $v3)))

  ;; kernelRows8(X, n, d, W, C, P, T, s, R): Matérn-5/2 kernel values of 8 points against n
  ;; training points, interleaved: R[8 j + b] = s m(r²(point b, X_j)) (gp.ts's `matern` with
  ;; kernel.ts's distance). X: the training points, row-major n × d; W: ℓ⁻² per dimension;
  ;; C: 1.0 for a categorical dimension (Hamming term), else 0.0; P: the 8 points transposed,
  ;; P[8 c + b]; T: exp.ts's tables, e^{−j} for j < 708 then e^{−k/64} for k < 64.
  (func (export "kernelRows8")
    (param $X i32) (param $n i32) (param $d i32) (param $W i32) (param $C i32) (param $P i32)
    (param $T i32) (param $s f64) (param $R i32)
    (local $j i32) (local $c i32) (local $xj i32) (local $pc i32) (local $out i32) (local $end i32)
    (local $xc v128) (local $w v128) (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $sq v128) (local $a v128) (local $idx v128) (local $f v128) (local $t v128) (local $e v128)
    (local $i0 i32) (local $i1 i32)
    (local.set $xj (local.get $X))
    (local.set $out (local.get $R))
    (local.set $end (i32.add (local.get $R) (i32.shl (local.get $n) (i32.const 6))))
    (block $done
      (loop $points
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (local.set $r0 (v128.const i64x2 0 0)) (local.set $r1 (v128.const i64x2 0 0))
        (local.set $r2 (v128.const i64x2 0 0)) (local.set $r3 (v128.const i64x2 0 0))
        (local.set $c (i32.const 0))
        (local.set $pc (local.get $P))
        (block $dims_done
          (loop $dims
            (br_if $dims_done (i32.ge_s (local.get $c) (local.get $d)))
            (local.set $xc (f64x2.splat (f64.load (i32.add (local.get $xj) (i32.shl (local.get $c) (i32.const 3))))))
            (local.set $w (f64x2.splat (f64.load (i32.add (local.get $W) (i32.shl (local.get $c) (i32.const 3))))))
            (if (f64.ne (f64.load (i32.add (local.get $C) (i32.shl (local.get $c) (i32.const 3)))) (f64.const 0))
              (then
                ;; Hamming: + ℓ⁻² where the coordinates differ
                (local.set $r0 (f64x2.add (local.get $r0) (v128.and (local.get $w) (f64x2.ne (v128.load (local.get $pc)) (local.get $xc)))))
                (local.set $r1 (f64x2.add (local.get $r1) (v128.and (local.get $w) (f64x2.ne (v128.load offset=16 (local.get $pc)) (local.get $xc)))))
                (local.set $r2 (f64x2.add (local.get $r2) (v128.and (local.get $w) (f64x2.ne (v128.load offset=32 (local.get $pc)) (local.get $xc)))))
                (local.set $r3 (f64x2.add (local.get $r3) (v128.and (local.get $w) (f64x2.ne (v128.load offset=48 (local.get $pc)) (local.get $xc))))))
              (else
                ;; + (ℓ⁻² δ) δ
                (local.set $e (f64x2.sub (v128.load (local.get $pc)) (local.get $xc)))
                (local.set $r0 (f64x2.add (local.get $r0) (f64x2.mul (f64x2.mul (local.get $w) (local.get $e)) (local.get $e))))
                (local.set $e (f64x2.sub (v128.load offset=16 (local.get $pc)) (local.get $xc)))
                (local.set $r1 (f64x2.add (local.get $r1) (f64x2.mul (f64x2.mul (local.get $w) (local.get $e)) (local.get $e))))
                (local.set $e (f64x2.sub (v128.load offset=32 (local.get $pc)) (local.get $xc)))
                (local.set $r2 (f64x2.add (local.get $r2) (f64x2.mul (f64x2.mul (local.get $w) (local.get $e)) (local.get $e))))
                (local.set $e (f64x2.sub (v128.load offset=48 (local.get $pc)) (local.get $xc)))
                (local.set $r3 (f64x2.add (local.get $r3) (f64x2.mul (f64x2.mul (local.get $w) (local.get $e)) (local.get $e))))))
            (local.set $pc (i32.add (local.get $pc) (i32.const 64)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $dims)))
        (v128.store (local.get $out) (local.get $r0))
        (v128.store offset=16 (local.get $out) (local.get $r1))
        (v128.store offset=32 (local.get $out) (local.get $r2))
        (v128.store offset=48 (local.get $out) (local.get $r3))
        ;; r² → s (1 + a + 5/3 r²) e^{−a}, a = √(5 r²), in place, one pair of lanes at a time
        (local.set $c (i32.const 0))
        (loop $pairs
          (local.set $sq (v128.load (local.get $out)))
          (local.set $a (f64x2.sqrt (f64x2.mul (f64x2.splat (f64.const 0x1.4p2)) (local.get $sq))))
          ;; exp.ts: i = ⌊64 a⌋ (clamped inside the table; such lanes are zeroed below)
          (local.set $idx (i32x4.min_s
            (i32x4.trunc_sat_f64x2_s_zero (f64x2.mul (local.get $a) (f64x2.splat (f64.const 0x1p6))))
            (i32x4.splat (i32.const 45311))))
          (local.set $f (f64x2.sub (local.get $a)
            (f64x2.mul (f64x2.convert_low_i32x4_s (local.get $idx)) (f64x2.splat (f64.const 0x1p-6)))))
          (local.set $t (f64x2.sub (f64x2.splat (f64.const 0x1.1111111111111p-7))
            (f64x2.mul (local.get $f) (f64x2.splat (f64.const 0x1.6c16c16c16c17p-10)))))
          (local.set $t (f64x2.sub (f64x2.splat (f64.const 0x1.5555555555555p-5)) (f64x2.mul (local.get $f) (local.get $t))))
          (local.set $t (f64x2.sub (f64x2.splat (f64.const 0x1.5555555555555p-3)) (f64x2.mul (local.get $f) (local.get $t))))
          (local.set $t (f64x2.sub (f64x2.splat (f64.const 0x1p-1)) (f64x2.mul (local.get $f) (local.get $t))))
          (local.set $t (f64x2.sub (f64x2.splat (f64.const 1)) (f64x2.mul (local.get $f) (local.get $t))))
          (local.set $t (f64x2.sub (f64x2.splat (f64.const 1)) (f64x2.mul (local.get $f) (local.get $t))))
          (local.set $i0 (i32x4.extract_lane 0 (local.get $idx)))
          (local.set $i1 (i32x4.extract_lane 1 (local.get $idx)))
          (local.set $e (f64x2.replace_lane 1
            (f64x2.splat (f64.mul
              (f64.load (i32.add (local.get $T) (i32.shl (i32.shr_s (local.get $i0) (i32.const 6)) (i32.const 3))))
              (f64.load offset=5664 (i32.add (local.get $T) (i32.shl (i32.and (local.get $i0) (i32.const 63)) (i32.const 3))))))
            (f64.mul
              (f64.load (i32.add (local.get $T) (i32.shl (i32.shr_s (local.get $i1) (i32.const 6)) (i32.const 3))))
              (f64.load offset=5664 (i32.add (local.get $T) (i32.shl (i32.and (local.get $i1) (i32.const 63)) (i32.const 3)))))))
          ;; e^{−a} = 0 where a ≥ 708 or a is NaN, as in exp.ts
          (local.set $e (v128.and (f64x2.mul (local.get $e) (local.get $t))
            (f64x2.lt (local.get $a) (f64x2.splat (f64.const 0x1.62p9)))))
          (v128.store (local.get $out)
            (f64x2.mul
              (f64x2.mul (f64x2.splat (local.get $s))
                (f64x2.add (f64x2.add (f64x2.splat (f64.const 1)) (local.get $a))
                  (f64x2.mul (f64x2.splat (f64.const 0x1.aaaaaaaaaaaabp0)) (local.get $sq))))
              (local.get $e)))
          (local.set $out (i32.add (local.get $out) (i32.const 16)))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br_if $pairs (i32.lt_u (local.get $c) (i32.const 4))))
        (local.set $xj (i32.add (local.get $xj) (i32.shl (local.get $d) (i32.const 3))))
        (br $points))))
)
