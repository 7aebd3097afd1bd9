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

  ;; mean8(R, n, alpha, out): out[b] = Σ_j R[8 j + b] α_j for the 8 interleaved kernel rows at R
  ;; (the posterior means), each summed over j in order. R and out 16-byte aligned.
  (func (export "mean8") (param $R i32) (param $n i32) (param $alpha i32) (param $out i32)
    (local $end i32) (local $a v128) (local $m0 v128) (local $m1 v128) (local $m2 v128) (local $m3 v128)
    (local.set $end (i32.add (local.get $alpha) (i32.shl (local.get $n) (i32.const 3))))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $alpha) (local.get $end)))
        (local.set $a (f64x2.splat (f64.load (local.get $alpha))))
        (local.set $m0 (f64x2.add (local.get $m0) (f64x2.mul (v128.load (local.get $R)) (local.get $a))))
        (local.set $m1 (f64x2.add (local.get $m1) (f64x2.mul (v128.load offset=16 (local.get $R)) (local.get $a))))
        (local.set $m2 (f64x2.add (local.get $m2) (f64x2.mul (v128.load offset=32 (local.get $R)) (local.get $a))))
        (local.set $m3 (f64x2.add (local.get $m3) (f64x2.mul (v128.load offset=48 (local.get $R)) (local.get $a))))
        (local.set $R (i32.add (local.get $R) (i32.const 64)))
        (local.set $alpha (i32.add (local.get $alpha) (i32.const 8)))
        (br $rows)))
    (v128.store (local.get $out) (local.get $m0))
    (v128.store offset=16 (local.get $out) (local.get $m1))
    (v128.store offset=32 (local.get $out) (local.get $m2))
    (v128.store offset=48 (local.get $out) (local.get $m3)))

  ;; kernelRows8(X, n, d, W, C, P, T, s, R): Matérn-5/2 kernel values of 8 points against n
  ;; training points, interleaved: R[8 j + b] = s m(r²(point b, X_j)) (gp.ts's `matern` with
  ;; kernel.ts's distance). X: the training points, row-major n × d; W: ℓ⁻² per dimension;
  ;; C: 1.0 for a categorical dimension (Hamming term), else 0.0; P: the 8 points transposed,
  ;; P[8 c + b]; T: exp.ts's tables, e^{−j} for j < 708 then e^{−k/64} for k < 64.
  (func (export "kernelRows8")
    (param $X i32) (param $n i32) (param $d i32) (param $W i32) (param $C i32) (param $P i32)
    (param $T i32) (param $s f64) (param $R i32)
    (local $c i32) (local $xj i32) (local $pc i32) (local $out i32) (local $end i32)
    (local $xc v128) (local $w v128) (local $e v128)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local.set $xj (local.get $X))
    (local.set $out (local.get $R))
    (local.set $end (i32.add (local.get $R) (i32.shl (local.get $n) (i32.const 6))))
    ;; r² of every (point, training point) pair, then the kernel in one pass
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
        (local.set $out (i32.add (local.get $out) (i32.const 64)))
        (local.set $xj (i32.add (local.get $xj) (i32.shl (local.get $d) (i32.const 3))))
        (br $points)))
    (call $matern (local.get $R) (i32.shl (local.get $n) (i32.const 3)) (local.get $s) (local.get $T) (i32.const 0) (f64.const 0)))

  ;; matern(V, count, s, T, S, u): r² → s m(r²) = s (1 + a + 5/3 r²) e^{−a} in place at
  ;; V[0…count), a = √(5 r²), and, when S is not 0, u (1 + a) e^{−a} at S[q] (u = −5s/6 gives
  ;; ∂(s m)/∂r²). count is a multiple of 8; V and S 16-byte aligned.
  ;; e^{−a} is exp.ts's `expNegative` lane by lane: a = j + i/64 + f, e^{−j} e^{−i/64} from the
  ;; tables at T, e^{−f} by its degree-6 Taylor polynomial; 0 where a ≥ 708 or a is NaN. Eight
  ;; lanes (four vectors) a step with their operations interleaved, so that the four
  ;; dependency chains overlap: 40% faster than one vector at a time.
  (func $matern (param $V i32) (param $count i32) (param $s f64) (param $T i32) (param $S i32) (param $u f64)
    (local $end i32) (local $scale v128) (local $slope v128)
    (local $q0 v128) (local $a0 v128) (local $i0 v128) (local $f0 v128) (local $t0 v128) (local $j0 i32) (local $k0 i32)
    (local $q1 v128) (local $a1 v128) (local $i1 v128) (local $f1 v128) (local $t1 v128) (local $j1 i32) (local $k1 i32)
    (local $q2 v128) (local $a2 v128) (local $i2 v128) (local $f2 v128) (local $t2 v128) (local $j2 i32) (local $k2 i32)
    (local $q3 v128) (local $a3 v128) (local $i3 v128) (local $f3 v128) (local $t3 v128) (local $j3 i32) (local $k3 i32)
    (local.set $end (i32.add (local.get $V) (i32.shl (local.get $count) (i32.const 3))))
    (local.set $scale (f64x2.splat (local.get $s)))
    (local.set $slope (f64x2.splat (local.get $u)))
    (block $done
      (loop $steps
        (br_if $done (i32.ge_u (local.get $V) (local.get $end)))
        (local.set $q0 (v128.load offset=0 (local.get $V)))
        (local.set $q1 (v128.load offset=16 (local.get $V)))
        (local.set $q2 (v128.load offset=32 (local.get $V)))
        (local.set $q3 (v128.load offset=48 (local.get $V)))
        (local.set $a0 (f64x2.sqrt (f64x2.mul (f64x2.splat (f64.const 0x1.4p2)) (local.get $q0))))
        (local.set $a1 (f64x2.sqrt (f64x2.mul (f64x2.splat (f64.const 0x1.4p2)) (local.get $q1))))
        (local.set $a2 (f64x2.sqrt (f64x2.mul (f64x2.splat (f64.const 0x1.4p2)) (local.get $q2))))
        (local.set $a3 (f64x2.sqrt (f64x2.mul (f64x2.splat (f64.const 0x1.4p2)) (local.get $q3))))
        ;; i = ⌊64 a⌋, clamped inside the table (the lanes past it are zeroed below); f = a − i/64
        (local.set $i0 (i32x4.min_s
          (i32x4.trunc_sat_f64x2_s_zero (f64x2.mul (local.get $a0) (f64x2.splat (f64.const 0x1p6))))
          (i32x4.splat (i32.const 45311))))
        (local.set $i1 (i32x4.min_s
          (i32x4.trunc_sat_f64x2_s_zero (f64x2.mul (local.get $a1) (f64x2.splat (f64.const 0x1p6))))
          (i32x4.splat (i32.const 45311))))
        (local.set $i2 (i32x4.min_s
          (i32x4.trunc_sat_f64x2_s_zero (f64x2.mul (local.get $a2) (f64x2.splat (f64.const 0x1p6))))
          (i32x4.splat (i32.const 45311))))
        (local.set $i3 (i32x4.min_s
          (i32x4.trunc_sat_f64x2_s_zero (f64x2.mul (local.get $a3) (f64x2.splat (f64.const 0x1p6))))
          (i32x4.splat (i32.const 45311))))
        (local.set $f0 (f64x2.sub (local.get $a0)
          (f64x2.mul (f64x2.convert_low_i32x4_s (local.get $i0)) (f64x2.splat (f64.const 0x1p-6)))))
        (local.set $f1 (f64x2.sub (local.get $a1)
          (f64x2.mul (f64x2.convert_low_i32x4_s (local.get $i1)) (f64x2.splat (f64.const 0x1p-6)))))
        (local.set $f2 (f64x2.sub (local.get $a2)
          (f64x2.mul (f64x2.convert_low_i32x4_s (local.get $i2)) (f64x2.splat (f64.const 0x1p-6)))))
        (local.set $f3 (f64x2.sub (local.get $a3)
          (f64x2.mul (f64x2.convert_low_i32x4_s (local.get $i3)) (f64x2.splat (f64.const 0x1p-6)))))
        ;; e^{−f} ≈ 1 − f (1 − f (1/2 − f (1/6 − f (1/24 − f (1/120 − f/720)))))
        (local.set $t0 (f64x2.sub (f64x2.splat (f64.const 0x1.1111111111111p-7))
          (f64x2.mul (local.get $f0) (f64x2.splat (f64.const 0x1.6c16c16c16c17p-10)))))
        (local.set $t1 (f64x2.sub (f64x2.splat (f64.const 0x1.1111111111111p-7))
          (f64x2.mul (local.get $f1) (f64x2.splat (f64.const 0x1.6c16c16c16c17p-10)))))
        (local.set $t2 (f64x2.sub (f64x2.splat (f64.const 0x1.1111111111111p-7))
          (f64x2.mul (local.get $f2) (f64x2.splat (f64.const 0x1.6c16c16c16c17p-10)))))
        (local.set $t3 (f64x2.sub (f64x2.splat (f64.const 0x1.1111111111111p-7))
          (f64x2.mul (local.get $f3) (f64x2.splat (f64.const 0x1.6c16c16c16c17p-10)))))
        (local.set $t0 (f64x2.sub (f64x2.splat (f64.const 0x1.5555555555555p-5)) (f64x2.mul (local.get $f0) (local.get $t0))))
        (local.set $t1 (f64x2.sub (f64x2.splat (f64.const 0x1.5555555555555p-5)) (f64x2.mul (local.get $f1) (local.get $t1))))
        (local.set $t2 (f64x2.sub (f64x2.splat (f64.const 0x1.5555555555555p-5)) (f64x2.mul (local.get $f2) (local.get $t2))))
        (local.set $t3 (f64x2.sub (f64x2.splat (f64.const 0x1.5555555555555p-5)) (f64x2.mul (local.get $f3) (local.get $t3))))
        (local.set $t0 (f64x2.sub (f64x2.splat (f64.const 0x1.5555555555555p-3)) (f64x2.mul (local.get $f0) (local.get $t0))))
        (local.set $t1 (f64x2.sub (f64x2.splat (f64.const 0x1.5555555555555p-3)) (f64x2.mul (local.get $f1) (local.get $t1))))
        (local.set $t2 (f64x2.sub (f64x2.splat (f64.const 0x1.5555555555555p-3)) (f64x2.mul (local.get $f2) (local.get $t2))))
        (local.set $t3 (f64x2.sub (f64x2.splat (f64.const 0x1.5555555555555p-3)) (f64x2.mul (local.get $f3) (local.get $t3))))
        (local.set $t0 (f64x2.sub (f64x2.splat (f64.const 0x1p-1)) (f64x2.mul (local.get $f0) (local.get $t0))))
        (local.set $t1 (f64x2.sub (f64x2.splat (f64.const 0x1p-1)) (f64x2.mul (local.get $f1) (local.get $t1))))
        (local.set $t2 (f64x2.sub (f64x2.splat (f64.const 0x1p-1)) (f64x2.mul (local.get $f2) (local.get $t2))))
        (local.set $t3 (f64x2.sub (f64x2.splat (f64.const 0x1p-1)) (f64x2.mul (local.get $f3) (local.get $t3))))
        (local.set $t0 (f64x2.sub (f64x2.splat (f64.const 1)) (f64x2.mul (local.get $f0) (local.get $t0))))
        (local.set $t1 (f64x2.sub (f64x2.splat (f64.const 1)) (f64x2.mul (local.get $f1) (local.get $t1))))
        (local.set $t2 (f64x2.sub (f64x2.splat (f64.const 1)) (f64x2.mul (local.get $f2) (local.get $t2))))
        (local.set $t3 (f64x2.sub (f64x2.splat (f64.const 1)) (f64x2.mul (local.get $f3) (local.get $t3))))
        (local.set $t0 (f64x2.sub (f64x2.splat (f64.const 1)) (f64x2.mul (local.get $f0) (local.get $t0))))
        (local.set $t1 (f64x2.sub (f64x2.splat (f64.const 1)) (f64x2.mul (local.get $f1) (local.get $t1))))
        (local.set $t2 (f64x2.sub (f64x2.splat (f64.const 1)) (f64x2.mul (local.get $f2) (local.get $t2))))
        (local.set $t3 (f64x2.sub (f64x2.splat (f64.const 1)) (f64x2.mul (local.get $f3) (local.get $t3))))
        ;; e^{−a} = e^{−⌊i/64⌋} e^{−(i mod 64)/64} e^{−f}, zero where a ≥ 708 or a is NaN
        (local.set $j0 (i32x4.extract_lane 0 (local.get $i0)))
        (local.set $k0 (i32x4.extract_lane 1 (local.get $i0)))
        (local.set $j1 (i32x4.extract_lane 0 (local.get $i1)))
        (local.set $k1 (i32x4.extract_lane 1 (local.get $i1)))
        (local.set $j2 (i32x4.extract_lane 0 (local.get $i2)))
        (local.set $k2 (i32x4.extract_lane 1 (local.get $i2)))
        (local.set $j3 (i32x4.extract_lane 0 (local.get $i3)))
        (local.set $k3 (i32x4.extract_lane 1 (local.get $i3)))
        (local.set $t0 (v128.and
          (f64x2.mul
            (f64x2.replace_lane 1
              (f64x2.splat (f64.mul
                (f64.load (i32.add (local.get $T) (i32.shl (i32.shr_s (local.get $j0) (i32.const 6)) (i32.const 3))))
                (f64.load offset=5664 (i32.add (local.get $T) (i32.shl (i32.and (local.get $j0) (i32.const 63)) (i32.const 3))))))
              (f64.mul
                (f64.load (i32.add (local.get $T) (i32.shl (i32.shr_s (local.get $k0) (i32.const 6)) (i32.const 3))))
                (f64.load offset=5664 (i32.add (local.get $T) (i32.shl (i32.and (local.get $k0) (i32.const 63)) (i32.const 3))))))
            (local.get $t0))
          (f64x2.lt (local.get $a0) (f64x2.splat (f64.const 0x1.62p9)))))
        (local.set $t1 (v128.and
          (f64x2.mul
            (f64x2.replace_lane 1
              (f64x2.splat (f64.mul
                (f64.load (i32.add (local.get $T) (i32.shl (i32.shr_s (local.get $j1) (i32.const 6)) (i32.const 3))))
                (f64.load offset=5664 (i32.add (local.get $T) (i32.shl (i32.and (local.get $j1) (i32.const 63)) (i32.const 3))))))
              (f64.mul
                (f64.load (i32.add (local.get $T) (i32.shl (i32.shr_s (local.get $k1) (i32.const 6)) (i32.const 3))))
                (f64.load offset=5664 (i32.add (local.get $T) (i32.shl (i32.and (local.get $k1) (i32.const 63)) (i32.const 3))))))
            (local.get $t1))
          (f64x2.lt (local.get $a1) (f64x2.splat (f64.const 0x1.62p9)))))
        (local.set $t2 (v128.and
          (f64x2.mul
            (f64x2.replace_lane 1
              (f64x2.splat (f64.mul
                (f64.load (i32.add (local.get $T) (i32.shl (i32.shr_s (local.get $j2) (i32.const 6)) (i32.const 3))))
                (f64.load offset=5664 (i32.add (local.get $T) (i32.shl (i32.and (local.get $j2) (i32.const 63)) (i32.const 3))))))
              (f64.mul
                (f64.load (i32.add (local.get $T) (i32.shl (i32.shr_s (local.get $k2) (i32.const 6)) (i32.const 3))))
                (f64.load offset=5664 (i32.add (local.get $T) (i32.shl (i32.and (local.get $k2) (i32.const 63)) (i32.const 3))))))
            (local.get $t2))
          (f64x2.lt (local.get $a2) (f64x2.splat (f64.const 0x1.62p9)))))
        (local.set $t3 (v128.and
          (f64x2.mul
            (f64x2.replace_lane 1
              (f64x2.splat (f64.mul
                (f64.load (i32.add (local.get $T) (i32.shl (i32.shr_s (local.get $j3) (i32.const 6)) (i32.const 3))))
                (f64.load offset=5664 (i32.add (local.get $T) (i32.shl (i32.and (local.get $j3) (i32.const 63)) (i32.const 3))))))
              (f64.mul
                (f64.load (i32.add (local.get $T) (i32.shl (i32.shr_s (local.get $k3) (i32.const 6)) (i32.const 3))))
                (f64.load offset=5664 (i32.add (local.get $T) (i32.shl (i32.and (local.get $k3) (i32.const 63)) (i32.const 3))))))
            (local.get $t3))
          (f64x2.lt (local.get $a3) (f64x2.splat (f64.const 0x1.62p9)))))
        (v128.store offset=0 (local.get $V)
          (f64x2.mul
            (f64x2.mul (local.get $scale)
              (f64x2.add (f64x2.add (f64x2.splat (f64.const 1)) (local.get $a0))
                (f64x2.mul (f64x2.splat (f64.const 0x1.aaaaaaaaaaaabp0)) (local.get $q0))))
            (local.get $t0)))
        (v128.store offset=16 (local.get $V)
          (f64x2.mul
            (f64x2.mul (local.get $scale)
              (f64x2.add (f64x2.add (f64x2.splat (f64.const 1)) (local.get $a1))
                (f64x2.mul (f64x2.splat (f64.const 0x1.aaaaaaaaaaaabp0)) (local.get $q1))))
            (local.get $t1)))
        (v128.store offset=32 (local.get $V)
          (f64x2.mul
            (f64x2.mul (local.get $scale)
              (f64x2.add (f64x2.add (f64x2.splat (f64.const 1)) (local.get $a2))
                (f64x2.mul (f64x2.splat (f64.const 0x1.aaaaaaaaaaaabp0)) (local.get $q2))))
            (local.get $t2)))
        (v128.store offset=48 (local.get $V)
          (f64x2.mul
            (f64x2.mul (local.get $scale)
              (f64x2.add (f64x2.add (f64x2.splat (f64.const 1)) (local.get $a3))
                (f64x2.mul (f64x2.splat (f64.const 0x1.aaaaaaaaaaaabp0)) (local.get $q3))))
            (local.get $t3)))
        (if (local.get $S)
          (then
            (v128.store offset=0 (local.get $S)
              (f64x2.mul (f64x2.mul (local.get $slope) (f64x2.add (f64x2.splat (f64.const 1)) (local.get $a0))) (local.get $t0)))
            (v128.store offset=16 (local.get $S)
              (f64x2.mul (f64x2.mul (local.get $slope) (f64x2.add (f64x2.splat (f64.const 1)) (local.get $a1))) (local.get $t1)))
            (v128.store offset=32 (local.get $S)
              (f64x2.mul (f64x2.mul (local.get $slope) (f64x2.add (f64x2.splat (f64.const 1)) (local.get $a2))) (local.get $t2)))
            (v128.store offset=48 (local.get $S)
              (f64x2.mul (f64x2.mul (local.get $slope) (f64x2.add (f64x2.splat (f64.const 1)) (local.get $a3))) (local.get $t3)))
            (local.set $S (i32.add (local.get $S) (i32.const 64)))))
        (local.set $V (i32.add (local.get $V) (i32.const 64)))
        (br $steps))))

  ;; pairKernel(D, stride, count, d, W, T, s, u, V, S): the kernel of the likelihood's pairs. For
  ;; q < count (rounded up to a multiple of 8; the extra lanes read and write padding),
  ;; r² = Σ_c W[c] D[c stride + q] with the terms in the order c = 0…d − 1 (D: the squared
  ;; coordinate differences or Hamming indicators, dimension-major), then V[q] = s m(r²) and
  ;; S[q] = u (1 + a) e^{−a} (see $matern; u = s · (−5/6) gives ∂(s m)/∂r²). stride is a
  ;; multiple of 8; D, V and S 16-byte aligned.
  (func (export "pairKernel")
    (param $D i32) (param $stride i32) (param $count i32) (param $d i32) (param $W i32)
    (param $T i32) (param $s f64) (param $u f64) (param $V i32) (param $S i32)
    (local $q i32) (local $c i32) (local $p i32) (local $row i32) (local $w v128)
    (local $r0 v128) (local $r1 v128)
    (local.set $count (i32.and (i32.add (local.get $count) (i32.const 7)) (i32.const -8)))
    (local.set $row (i32.shl (local.get $stride) (i32.const 3)))
    (block $done
      (loop $quads
        (br_if $done (i32.ge_s (local.get $q) (local.get $count)))
        (local.set $p (i32.add (local.get $D) (i32.shl (local.get $q) (i32.const 3))))
        (local.set $w (f64x2.splat (f64.load (local.get $W))))
        (local.set $r0 (f64x2.mul (local.get $w) (v128.load (local.get $p))))
        (local.set $r1 (f64x2.mul (local.get $w) (v128.load offset=16 (local.get $p))))
        (local.set $c (i32.const 1))
        (block $dims_done
          (loop $dims
            (br_if $dims_done (i32.ge_s (local.get $c) (local.get $d)))
            (local.set $p (i32.add (local.get $p) (local.get $row)))
            (local.set $w (f64x2.splat (f64.load (i32.add (local.get $W) (i32.shl (local.get $c) (i32.const 3))))))
            (local.set $r0 (f64x2.add (local.get $r0) (f64x2.mul (local.get $w) (v128.load (local.get $p)))))
            (local.set $r1 (f64x2.add (local.get $r1) (f64x2.mul (local.get $w) (v128.load offset=16 (local.get $p)))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $dims)))
        (v128.store (i32.add (local.get $V) (i32.shl (local.get $q) (i32.const 3))) (local.get $r0))
        (v128.store offset=16 (i32.add (local.get $V) (i32.shl (local.get $q) (i32.const 3))) (local.get $r1))
        (local.set $q (i32.add (local.get $q) (i32.const 4)))
        (br $quads)))
    (call $matern (local.get $V) (local.get $count) (local.get $s) (local.get $T) (local.get $S) (local.get $u)))

  ;; init − Σ_{k < count} x[k] y[k] with two accumulators, the first (with init) for even k, the
  ;; second for odd k, added at the end: cholesky.ts's `reducedEntry`.
  (func $reduced (param $x i32) (param $y i32) (param $count i32) (param $init f64) (result f64)
    (local $acc v128) (local $k i32) (local $s0 f64)
    (local.set $acc (f64x2.replace_lane 0 (v128.const i64x2 0 0) (local.get $init)))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_s (i32.add (local.get $k) (i32.const 1)) (local.get $count)))
        (local.set $acc (f64x2.sub (local.get $acc)
          (f64x2.mul
            (v128.load (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 3))))
            (v128.load (i32.add (local.get $y) (i32.shl (local.get $k) (i32.const 3)))))))
        (local.set $k (i32.add (local.get $k) (i32.const 2)))
        (br $pairs)))
    (local.set $s0 (f64x2.extract_lane 0 (local.get $acc)))
    (if (i32.lt_s (local.get $k) (local.get $count))
      (then
        (local.set $s0 (f64.sub (local.get $s0)
          (f64.mul
            (f64.load (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 3))))
            (f64.load (i32.add (local.get $y) (i32.shl (local.get $k) (i32.const 3)))))))))
    (f64.add (local.get $s0) (f64x2.extract_lane 1 (local.get $acc))))

  ;; √(sum) at p when sum is positive and finite; returns whether it was.
  (func $pivot (param $p i32) (param $sum f64) (result i32)
    (if (i32.eqz (i32.and
          (f64.gt (local.get $sum) (f64.const 0))
          (f64.lt (local.get $sum) (f64.const inf))))
      (then (return (i32.const 0))))
    (f64.store (local.get $p) (f64.sqrt (local.get $sum)))
    (i32.const 1))

  ;; cholesky(A, diag, n, L): the Cholesky factor of the n × n matrix with `diag` on its diagonal
  ;; and its strict lower triangle packed by rows in A (entry (i, j < i) at i(i − 1)/2 + j), into
  ;; the lower triangle of L (row-major n × n; the strict upper triangle is not written).
  ;; Returns 0 when a pivot is not positive or not finite. cholesky.ts's `factorize` with zero
  ;; jitter, operation for operation: rows in pairs below the diagonal, the four entries
  ;; (i, j), (i, j + 1), (i + 1, j), (i + 1, j + 1) sharing their loads, each with an even-k
  ;; and an odd-k accumulator (the two lanes).
  (func (export "cholesky") (param $A i32) (param $diag f64) (param $n i32) (param $L i32) (result i32)
    (local $i i32) (local $j i32) (local $k i32) (local $rowBytes i32)
    (local $ri i32) (local $rh i32) (local $rj i32) (local $rg i32) (local $ai i32) (local $ah i32)
    (local $va v128) (local $vb v128) (local $vc v128) (local $ve v128)
    (local $li v128) (local $lh v128) (local $lj v128) (local $lg v128)
    (local $lij f64) (local $lhj f64)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 3)))
    (block $pairs_done
      (loop $row_pairs
        (br_if $pairs_done (i32.ge_s (i32.add (local.get $i) (i32.const 1)) (local.get $n)))
        (local.set $ri (i32.add (local.get $L) (i32.mul (local.get $i) (local.get $rowBytes))))
        (local.set $rh (i32.add (local.get $ri) (local.get $rowBytes)))
        ;; rows i and i + 1 of A: i(i − 1)/2 and (i + 1)i/2
        (local.set $ai (i32.add (local.get $A)
          (i32.shl (i32.shr_u (i32.mul (local.get $i) (i32.sub (local.get $i) (i32.const 1))) (i32.const 1)) (i32.const 3))))
        (local.set $ah (i32.add (local.get $ai) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $j (i32.const 0))
        (local.set $rj (local.get $L))
        (block $blocks_done
          (loop $blocks
            (br_if $blocks_done (i32.ge_s (i32.add (local.get $j) (i32.const 1)) (local.get $i)))
            (local.set $rg (i32.add (local.get $rj) (local.get $rowBytes)))
            (local.set $va (f64x2.replace_lane 0 (v128.const i64x2 0 0) (f64.load (i32.add (local.get $ai) (i32.shl (local.get $j) (i32.const 3))))))
            (local.set $vb (f64x2.replace_lane 0 (v128.const i64x2 0 0) (f64.load offset=8 (i32.add (local.get $ai) (i32.shl (local.get $j) (i32.const 3))))))
            (local.set $vc (f64x2.replace_lane 0 (v128.const i64x2 0 0) (f64.load (i32.add (local.get $ah) (i32.shl (local.get $j) (i32.const 3))))))
            (local.set $ve (f64x2.replace_lane 0 (v128.const i64x2 0 0) (f64.load offset=8 (i32.add (local.get $ah) (i32.shl (local.get $j) (i32.const 3))))))
            (local.set $k (i32.const 0))
            (block $k_done
              (loop $ks
                (br_if $k_done (i32.ge_s (local.get $k) (local.get $j)))
                (local.set $li (v128.load (i32.add (local.get $ri) (i32.shl (local.get $k) (i32.const 3)))))
                (local.set $lh (v128.load (i32.add (local.get $rh) (i32.shl (local.get $k) (i32.const 3)))))
                (local.set $lj (v128.load (i32.add (local.get $rj) (i32.shl (local.get $k) (i32.const 3)))))
                (local.set $lg (v128.load (i32.add (local.get $rg) (i32.shl (local.get $k) (i32.const 3)))))
                (local.set $va (f64x2.sub (local.get $va) (f64x2.mul (local.get $li) (local.get $lj))))
                (local.set $vb (f64x2.sub (local.get $vb) (f64x2.mul (local.get $li) (local.get $lg))))
                (local.set $vc (f64x2.sub (local.get $vc) (f64x2.mul (local.get $lh) (local.get $lj))))
                (local.set $ve (f64x2.sub (local.get $ve) (f64x2.mul (local.get $lh) (local.get $lg))))
                (local.set $k (i32.add (local.get $k) (i32.const 2)))
                (br $ks)))
            ;; j is even: (i, j) has no odd tail; (i, j + 1) has the tail k = j
            (local.set $lij (f64.div
              (f64.add (f64x2.extract_lane 0 (local.get $va)) (f64x2.extract_lane 1 (local.get $va)))
              (f64.load (i32.add (local.get $rj) (i32.shl (local.get $j) (i32.const 3))))))
            (local.set $lhj (f64.div
              (f64.add (f64x2.extract_lane 0 (local.get $vc)) (f64x2.extract_lane 1 (local.get $vc)))
              (f64.load (i32.add (local.get $rj) (i32.shl (local.get $j) (i32.const 3))))))
            (f64.store (i32.add (local.get $ri) (i32.shl (local.get $j) (i32.const 3))) (local.get $lij))
            (f64.store (i32.add (local.get $rh) (i32.shl (local.get $j) (i32.const 3))) (local.get $lhj))
            (f64.store offset=8 (i32.add (local.get $ri) (i32.shl (local.get $j) (i32.const 3)))
              (f64.div
                (f64.add
                  (f64.sub (f64x2.extract_lane 0 (local.get $vb))
                    (f64.mul (local.get $lij) (f64.load (i32.add (local.get $rg) (i32.shl (local.get $j) (i32.const 3))))))
                  (f64x2.extract_lane 1 (local.get $vb)))
                (f64.load offset=8 (i32.add (local.get $rg) (i32.shl (local.get $j) (i32.const 3))))))
            (f64.store offset=8 (i32.add (local.get $rh) (i32.shl (local.get $j) (i32.const 3)))
              (f64.div
                (f64.add
                  (f64.sub (f64x2.extract_lane 0 (local.get $ve))
                    (f64.mul (local.get $lhj) (f64.load (i32.add (local.get $rg) (i32.shl (local.get $j) (i32.const 3))))))
                  (f64x2.extract_lane 1 (local.get $ve)))
                (f64.load offset=8 (i32.add (local.get $rg) (i32.shl (local.get $j) (i32.const 3))))))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (local.set $rj (i32.add (local.get $rg) (local.get $rowBytes)))
            (br $blocks)))
        ;; the diagonal of row i, then (i + 1, i) and the diagonal of row i + 1
        (if (i32.eqz (call $pivot (i32.add (local.get $ri) (i32.shl (local.get $i) (i32.const 3)))
              (call $reduced (local.get $ri) (local.get $ri) (local.get $i) (f64.add (local.get $diag) (f64.const 0)))))
          (then (return (i32.const 0))))
        (f64.store (i32.add (local.get $rh) (i32.shl (local.get $i) (i32.const 3)))
          (f64.div
            (call $reduced (local.get $rh) (local.get $ri) (local.get $i)
              (f64.add (f64.load (i32.add (local.get $ah) (i32.shl (local.get $i) (i32.const 3)))) (f64.const 0)))
            (f64.load (i32.add (local.get $ri) (i32.shl (local.get $i) (i32.const 3))))))
        (if (i32.eqz (call $pivot (i32.add (local.get $rh) (i32.shl (i32.add (local.get $i) (i32.const 1)) (i32.const 3)))
              (call $reduced (local.get $rh) (local.get $rh) (i32.add (local.get $i) (i32.const 1)) (f64.add (local.get $diag) (f64.const 0)))))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $row_pairs)))
    ;; odd n: the last row alone
    (if (i32.lt_s (local.get $i) (local.get $n))
      (then
        (local.set $ri (i32.add (local.get $L) (i32.mul (local.get $i) (local.get $rowBytes))))
        (local.set $ai (i32.add (local.get $A)
          (i32.shl (i32.shr_u (i32.mul (local.get $i) (i32.sub (local.get $i) (i32.const 1))) (i32.const 1)) (i32.const 3))))
        (local.set $j (i32.const 0))
        (local.set $rj (local.get $L))
        (block $row_done
          (loop $entries
            (br_if $row_done (i32.ge_s (local.get $j) (local.get $i)))
            (f64.store (i32.add (local.get $ri) (i32.shl (local.get $j) (i32.const 3)))
              (f64.div
                (call $reduced (local.get $ri) (local.get $rj) (local.get $j)
                  (f64.add (f64.load (i32.add (local.get $ai) (i32.shl (local.get $j) (i32.const 3)))) (f64.const 0)))
                (f64.load (i32.add (local.get $rj) (i32.shl (local.get $j) (i32.const 3))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (local.set $rj (i32.add (local.get $rj) (local.get $rowBytes)))
            (br $entries)))
        (return (call $pivot (i32.add (local.get $ri) (i32.shl (local.get $i) (i32.const 3)))
          (call $reduced (local.get $ri) (local.get $ri) (local.get $i) (f64.add (local.get $diag) (f64.const 0)))))))
    (i32.const 1))

  ;; invertLower(L, n, V, x, y): L⁻¹ of the lower-triangular L (row-major n × n) packed by rows
  ;; into V (row i at i(i + 1)/2), with x and y (n entries each) as scratch. cholesky.ts's
  ;; `invertLowerPacked`, operation for operation: columns j and j + 1 together (x and y), each
  ;; sum with two accumulators by the parity of k − column (lanes (odd, even) of x's sum,
  ;; (even, odd) of y's).
  (func (export "invertLower") (param $L i32) (param $n i32) (param $V i32) (param $x i32) (param $y i32)
    (local $i i32) (local $j i32) (local $k i32) (local $ri i32) (local $rowBytes i32)
    (local $sx v128) (local $sy v128) (local $ab v128) (local $s0 f64) (local $s1 f64) (local $t0 f64)
    (local $a f64) (local $d f64) (local $p i32)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 3)))
    (block $columns_done
      (loop $columns
        (br_if $columns_done (i32.ge_s (i32.add (local.get $j) (i32.const 1)) (local.get $n)))
        ;; x[j] = 1/L[j, j]; x[j + 1] = (0 − L[j + 1, j] x[j] + 0)/L[j + 1, j + 1]; y[j + 1] = 1/L[j + 1, j + 1]
        (local.set $ri (i32.add (local.get $L) (i32.mul (local.get $j) (local.get $rowBytes))))
        (f64.store (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 3)))
          (f64.div (f64.const 1) (f64.load (i32.add (local.get $ri) (i32.shl (local.get $j) (i32.const 3))))))
        (local.set $ri (i32.add (local.get $ri) (local.get $rowBytes)))
        (f64.store offset=8 (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 3)))
          (f64.div
            (f64.add
              (f64.sub (f64.const 0)
                (f64.mul (f64.load (i32.add (local.get $ri) (i32.shl (local.get $j) (i32.const 3))))
                  (f64.load (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 3))))))
              (f64.const 0))
            (f64.load offset=8 (i32.add (local.get $ri) (i32.shl (local.get $j) (i32.const 3))))))
        (f64.store offset=8 (i32.add (local.get $y) (i32.shl (local.get $j) (i32.const 3)))
          (f64.div (f64.const 1) (f64.load offset=8 (i32.add (local.get $ri) (i32.shl (local.get $j) (i32.const 3))))))
        (local.set $i (i32.add (local.get $j) (i32.const 2)))
        (block $rows_done
          (loop $rows
            (br_if $rows_done (i32.ge_s (local.get $i) (local.get $n)))
            (local.set $ri (i32.add (local.get $L) (i32.mul (local.get $i) (local.get $rowBytes))))
            ;; x's lanes (s1, s0), s0 starting at 0 − L[i, j] x[j]; y's lanes (t0, t1)
            (local.set $sx (f64x2.sub (v128.const i64x2 0 0)
              (f64x2.replace_lane 1 (v128.const i64x2 0 0)
                (f64.mul (f64.load (i32.add (local.get $ri) (i32.shl (local.get $j) (i32.const 3))))
                  (f64.load (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 3))))))))
            (local.set $sy (v128.const i64x2 0 0))
            (local.set $k (i32.add (local.get $j) (i32.const 1)))
            (block $k_done
              (loop $ks
                (br_if $k_done (i32.ge_s (i32.add (local.get $k) (i32.const 1)) (local.get $i)))
                (local.set $ab (v128.load (i32.add (local.get $ri) (i32.shl (local.get $k) (i32.const 3)))))
                (local.set $sx (f64x2.sub (local.get $sx)
                  (f64x2.mul (local.get $ab) (v128.load (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 3)))))))
                (local.set $sy (f64x2.sub (local.get $sy)
                  (f64x2.mul (local.get $ab) (v128.load (i32.add (local.get $y) (i32.shl (local.get $k) (i32.const 3)))))))
                (local.set $k (i32.add (local.get $k) (i32.const 2)))
                (br $ks)))
            (local.set $s1 (f64x2.extract_lane 0 (local.get $sx)))
            (local.set $s0 (f64x2.extract_lane 1 (local.get $sx)))
            (local.set $t0 (f64x2.extract_lane 0 (local.get $sy)))
            (if (i32.lt_s (local.get $k) (local.get $i))
              (then
                (local.set $a (f64.load (i32.add (local.get $ri) (i32.shl (local.get $k) (i32.const 3)))))
                (local.set $s1 (f64.sub (local.get $s1)
                  (f64.mul (local.get $a) (f64.load (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 3)))))))
                (local.set $t0 (f64.sub (local.get $t0)
                  (f64.mul (local.get $a) (f64.load (i32.add (local.get $y) (i32.shl (local.get $k) (i32.const 3)))))))))
            (local.set $d (f64.load (i32.add (local.get $ri) (i32.shl (local.get $i) (i32.const 3)))))
            (f64.store (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3)))
              (f64.div (f64.add (local.get $s0) (local.get $s1)) (local.get $d)))
            (f64.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3)))
              (f64.div (f64.add (local.get $t0) (f64x2.extract_lane 1 (local.get $sy))) (local.get $d)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $rows)))
        ;; scatter: V[i(i + 1)/2 + j] = x[i] for i ≥ j, V[i(i + 1)/2 + j + 1] = y[i] for i > j
        (local.set $i (local.get $j))
        (local.set $p (i32.add (local.get $V)
          (i32.shl (i32.add (i32.shr_u (i32.mul (local.get $j) (i32.add (local.get $j) (i32.const 1))) (i32.const 1)) (local.get $j)) (i32.const 3))))
        (f64.store (local.get $p) (f64.load (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 3)))))
        (block $scatter_done
          (loop $scatter
            (local.set $p (i32.add (local.get $p) (i32.shl (i32.add (local.get $i) (i32.const 1)) (i32.const 3))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $scatter_done (i32.ge_s (local.get $i) (local.get $n)))
            (f64.store (local.get $p) (f64.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3)))))
            (f64.store offset=8 (local.get $p) (f64.load (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3)))))
            (br $scatter)))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $columns)))
    (if (i32.lt_s (local.get $j) (local.get $n))
      (then
        (f64.store
          (i32.add (local.get $V)
            (i32.shl (i32.add (i32.shr_u (i32.mul (local.get $j) (i32.add (local.get $j) (i32.const 1))) (i32.const 1)) (local.get $j)) (i32.const 3)))
          (f64.div (f64.const 1)
            (f64.load (i32.add (local.get $L) (i32.shl (i32.mul (local.get $j) (i32.add (local.get $n) (i32.const 1))) (i32.const 3)))))))))

  ;; Entry (i, j ≤ i) of L⁻ᵀL⁻¹: Σ_{k ≥ i} t[i n + k] t[j n + k] with two accumulators by the
  ;; parity of k − i, for rows ri and rj of t (cholesky.ts's `inverseEntry`).
  (func $inverseEntry (param $ri i32) (param $rj i32) (param $i i32) (param $n i32) (result f64)
    (local $acc v128) (local $k i32) (local $s0 f64)
    (local.set $k (local.get $i))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_s (i32.add (local.get $k) (i32.const 1)) (local.get $n)))
        (local.set $acc (f64x2.add (local.get $acc)
          (f64x2.mul
            (v128.load (i32.add (local.get $ri) (i32.shl (local.get $k) (i32.const 3))))
            (v128.load (i32.add (local.get $rj) (i32.shl (local.get $k) (i32.const 3)))))))
        (local.set $k (i32.add (local.get $k) (i32.const 2)))
        (br $pairs)))
    (local.set $s0 (f64x2.extract_lane 0 (local.get $acc)))
    (if (i32.lt_s (local.get $k) (local.get $n))
      (then
        (local.set $s0 (f64.add (local.get $s0)
          (f64.mul
            (f64.load (i32.add (local.get $ri) (i32.shl (local.get $k) (i32.const 3))))
            (f64.load (i32.add (local.get $rj) (i32.shl (local.get $k) (i32.const 3)))))))))
    (f64.add (local.get $s0) (f64x2.extract_lane 1 (local.get $acc))))

  ;; inverseLower(V, n, K, t): the lower triangle (diagonal included) of (L Lᵀ)⁻¹ = L⁻ᵀL⁻¹ into
  ;; K (row-major n × n; the strict upper triangle is not written), from L⁻¹ packed by rows in
  ;; V, with t (n × n) as scratch. cholesky.ts's `inverseFromPackedInverseFactor`, operation
  ;; for operation: t holds the columns of L⁻¹ as rows, then rows i, i + 1 meet rows j, j + 1
  ;; in 2 × 2 blocks sharing their loads, each sum with two accumulators by the parity of k − row.
  (func (export "inverseLower") (param $V i32) (param $n i32) (param $K i32) (param $t i32)
    (local $i i32) (local $j i32) (local $k i32) (local $p i32) (local $rowBytes i32)
    (local $ri i32) (local $rh i32) (local $rj i32) (local $rg i32) (local $ki i32) (local $kh i32)
    (local $va v128) (local $vb v128) (local $vc v128) (local $ve v128)
    (local $pp v128) (local $qq v128) (local $uu v128) (local $ww v128)
    (local $a1 f64) (local $b1 f64) (local $c0 f64) (local $e0 f64) (local $p0 f64) (local $q0 f64)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 3)))
    ;; t[i n + k] = L⁻¹[k, i] for i ≤ k
    (local.set $p (local.get $V))
    (block $transpose_done
      (loop $transpose
        (br_if $transpose_done (i32.ge_s (local.get $k) (local.get $n)))
        (local.set $i (i32.const 0))
        (loop $entries
          (f64.store
            (i32.add (local.get $t) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $k)) (i32.const 3)))
            (f64.load (local.get $p)))
          (local.set $p (i32.add (local.get $p) (i32.const 8)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $entries (i32.le_s (local.get $i) (local.get $k))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $transpose)))
    (local.set $i (i32.const 0))
    (block $pairs_done
      (loop $row_pairs
        (br_if $pairs_done (i32.ge_s (i32.add (local.get $i) (i32.const 1)) (local.get $n)))
        (local.set $ri (i32.add (local.get $t) (i32.mul (local.get $i) (local.get $rowBytes))))
        (local.set $rh (i32.add (local.get $ri) (local.get $rowBytes)))
        (local.set $ki (i32.add (local.get $K) (i32.mul (local.get $i) (local.get $rowBytes))))
        (local.set $kh (i32.add (local.get $ki) (local.get $rowBytes)))
        (local.set $j (i32.const 0))
        (local.set $rj (local.get $t))
        (block $blocks_done
          (loop $blocks
            (br_if $blocks_done (i32.ge_s (i32.add (local.get $j) (i32.const 1)) (local.get $i)))
            (local.set $rg (i32.add (local.get $rj) (local.get $rowBytes)))
            ;; row i: lanes (k ≡ i + 1, k ≡ i), starting with the term k = i in the second;
            ;; row i + 1: lanes (k ≡ i + 1, k ≡ i)
            (local.set $p0 (f64.load (i32.add (local.get $ri) (i32.shl (local.get $i) (i32.const 3)))))
            (local.set $va (f64x2.add (v128.const i64x2 0 0) (f64x2.replace_lane 1 (v128.const i64x2 0 0)
              (f64.mul (local.get $p0) (f64.load (i32.add (local.get $rj) (i32.shl (local.get $i) (i32.const 3))))))))
            (local.set $vb (f64x2.add (v128.const i64x2 0 0) (f64x2.replace_lane 1 (v128.const i64x2 0 0)
              (f64.mul (local.get $p0) (f64.load (i32.add (local.get $rg) (i32.shl (local.get $i) (i32.const 3))))))))
            (local.set $vc (v128.const i64x2 0 0))
            (local.set $ve (v128.const i64x2 0 0))
            (local.set $k (i32.add (local.get $i) (i32.const 1)))
            (block $k_done
              (loop $ks
                (br_if $k_done (i32.ge_s (i32.add (local.get $k) (i32.const 1)) (local.get $n)))
                (local.set $pp (v128.load (i32.add (local.get $ri) (i32.shl (local.get $k) (i32.const 3)))))
                (local.set $qq (v128.load (i32.add (local.get $rh) (i32.shl (local.get $k) (i32.const 3)))))
                (local.set $uu (v128.load (i32.add (local.get $rj) (i32.shl (local.get $k) (i32.const 3)))))
                (local.set $ww (v128.load (i32.add (local.get $rg) (i32.shl (local.get $k) (i32.const 3)))))
                (local.set $va (f64x2.add (local.get $va) (f64x2.mul (local.get $pp) (local.get $uu))))
                (local.set $vb (f64x2.add (local.get $vb) (f64x2.mul (local.get $pp) (local.get $ww))))
                (local.set $vc (f64x2.add (local.get $vc) (f64x2.mul (local.get $qq) (local.get $uu))))
                (local.set $ve (f64x2.add (local.get $ve) (f64x2.mul (local.get $qq) (local.get $ww))))
                (local.set $k (i32.add (local.get $k) (i32.const 2)))
                (br $ks)))
            (local.set $a1 (f64x2.extract_lane 0 (local.get $va)))
            (local.set $b1 (f64x2.extract_lane 0 (local.get $vb)))
            (local.set $c0 (f64x2.extract_lane 0 (local.get $vc)))
            (local.set $e0 (f64x2.extract_lane 0 (local.get $ve)))
            (if (i32.lt_s (local.get $k) (local.get $n))
              (then
                (local.set $p0 (f64.load (i32.add (local.get $ri) (i32.shl (local.get $k) (i32.const 3)))))
                (local.set $q0 (f64.load (i32.add (local.get $rh) (i32.shl (local.get $k) (i32.const 3)))))
                (local.set $a1 (f64.add (local.get $a1)
                  (f64.mul (local.get $p0) (f64.load (i32.add (local.get $rj) (i32.shl (local.get $k) (i32.const 3)))))))
                (local.set $b1 (f64.add (local.get $b1)
                  (f64.mul (local.get $p0) (f64.load (i32.add (local.get $rg) (i32.shl (local.get $k) (i32.const 3)))))))
                (local.set $c0 (f64.add (local.get $c0)
                  (f64.mul (local.get $q0) (f64.load (i32.add (local.get $rj) (i32.shl (local.get $k) (i32.const 3)))))))
                (local.set $e0 (f64.add (local.get $e0)
                  (f64.mul (local.get $q0) (f64.load (i32.add (local.get $rg) (i32.shl (local.get $k) (i32.const 3)))))))))
            (f64.store (i32.add (local.get $ki) (i32.shl (local.get $j) (i32.const 3)))
              (f64.add (f64x2.extract_lane 1 (local.get $va)) (local.get $a1)))
            (f64.store offset=8 (i32.add (local.get $ki) (i32.shl (local.get $j) (i32.const 3)))
              (f64.add (f64x2.extract_lane 1 (local.get $vb)) (local.get $b1)))
            (f64.store (i32.add (local.get $kh) (i32.shl (local.get $j) (i32.const 3)))
              (f64.add (local.get $c0) (f64x2.extract_lane 1 (local.get $vc))))
            (f64.store offset=8 (i32.add (local.get $kh) (i32.shl (local.get $j) (i32.const 3)))
              (f64.add (local.get $e0) (f64x2.extract_lane 1 (local.get $ve))))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (local.set $rj (i32.add (local.get $rg) (local.get $rowBytes)))
            (br $blocks)))
        ;; (i, i), (i + 1, i), (i + 1, i + 1)
        (f64.store (i32.add (local.get $ki) (i32.shl (local.get $i) (i32.const 3)))
          (call $inverseEntry (local.get $ri) (local.get $ri) (local.get $i) (local.get $n)))
        (f64.store (i32.add (local.get $kh) (i32.shl (local.get $i) (i32.const 3)))
          (call $inverseEntry (local.get $rh) (local.get $ri) (i32.add (local.get $i) (i32.const 1)) (local.get $n)))
        (f64.store offset=8 (i32.add (local.get $kh) (i32.shl (local.get $i) (i32.const 3)))
          (call $inverseEntry (local.get $rh) (local.get $rh) (i32.add (local.get $i) (i32.const 1)) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $row_pairs)))
    ;; odd n: the last row alone
    (if (i32.lt_s (local.get $i) (local.get $n))
      (then
        (local.set $ri (i32.add (local.get $t) (i32.mul (local.get $i) (local.get $rowBytes))))
        (local.set $ki (i32.add (local.get $K) (i32.mul (local.get $i) (local.get $rowBytes))))
        (local.set $j (i32.const 0))
        (local.set $rj (local.get $t))
        (loop $entries
          (f64.store (i32.add (local.get $ki) (i32.shl (local.get $j) (i32.const 3)))
            (call $inverseEntry (local.get $ri) (local.get $rj) (local.get $i) (local.get $n)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (local.set $rj (i32.add (local.get $rj) (local.get $rowBytes)))
          (br_if $entries (i32.le_s (local.get $j) (local.get $i)))))))

  ;; gradientSums(n, alpha, K, V, S, G, D, stride, count, d, out): the sums of the likelihood's
  ;; gradient (likelihood.ts's `gradientSums`). For every pair (i, j < i), in the order of V,
  ;; w = 2 (α_i α_j − K[i n + j]), G[q] = w S[q]; out[0] = Σ w V[q] with two accumulators by
  ;; the parity of j; out[1 + c] = Σ_q G[q] D[c stride + q] with two accumulators by the parity
  ;; of q. alpha: n entries; K: row-major n × n (lower triangle read).
  (func (export "gradientSums")
    (param $n i32) (param $alpha i32) (param $K i32) (param $V i32) (param $S i32) (param $G i32)
    (param $D i32) (param $stride i32) (param $count i32) (param $d i32) (param $out i32)
    (local $i i32) (local $j i32) (local $c i32) (local $q i32) (local $row i32) (local $p i32)
    (local $ai v128) (local $w v128) (local $scale v128) (local $acc v128)
    (local $wi f64) (local $g0 f64)
    (local.set $i (i32.const 1))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $ai (f64x2.splat (f64.load (i32.add (local.get $alpha) (i32.shl (local.get $i) (i32.const 3))))))
        (local.set $row (i32.add (local.get $K) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 3))))
        (local.set $j (i32.const 0))
        (block $pairs_done
          (loop $pairs
            (br_if $pairs_done (i32.ge_s (i32.add (local.get $j) (i32.const 1)) (local.get $i)))
            (local.set $w (f64x2.mul (f64x2.splat (f64.const 2))
              (f64x2.sub
                (f64x2.mul (local.get $ai) (v128.load (i32.add (local.get $alpha) (i32.shl (local.get $j) (i32.const 3)))))
                (v128.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3)))))))
            (local.set $p (i32.shl (local.get $q) (i32.const 3)))
            (local.set $scale (f64x2.add (local.get $scale)
              (f64x2.mul (local.get $w) (v128.load (i32.add (local.get $V) (local.get $p))))))
            (v128.store (i32.add (local.get $G) (local.get $p))
              (f64x2.mul (local.get $w) (v128.load (i32.add (local.get $S) (local.get $p)))))
            (local.set $q (i32.add (local.get $q) (i32.const 2)))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $pairs)))
        (if (i32.lt_s (local.get $j) (local.get $i))
          (then
            (local.set $wi (f64.mul (f64.const 2)
              (f64.sub
                (f64.mul (f64x2.extract_lane 0 (local.get $ai)) (f64.load (i32.add (local.get $alpha) (i32.shl (local.get $j) (i32.const 3)))))
                (f64.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3)))))))
            (local.set $p (i32.shl (local.get $q) (i32.const 3)))
            (local.set $g0 (f64.add (f64x2.extract_lane 0 (local.get $scale))
              (f64.mul (local.get $wi) (f64.load (i32.add (local.get $V) (local.get $p))))))
            (local.set $scale (f64x2.replace_lane 0 (local.get $scale) (local.get $g0)))
            (f64.store (i32.add (local.get $G) (local.get $p))
              (f64.mul (local.get $wi) (f64.load (i32.add (local.get $S) (local.get $p)))))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))
    (f64.store (local.get $out)
      (f64.add (f64x2.extract_lane 0 (local.get $scale)) (f64x2.extract_lane 1 (local.get $scale))))
    (block $dims_done
      (loop $dims
        (br_if $dims_done (i32.ge_s (local.get $c) (local.get $d)))
        (local.set $p (i32.add (local.get $D) (i32.shl (i32.mul (local.get $c) (local.get $stride)) (i32.const 3))))
        (local.set $acc (v128.const i64x2 0 0))
        (local.set $q (i32.const 0))
        (block $sum_done
          (loop $sum
            (br_if $sum_done (i32.ge_s (i32.add (local.get $q) (i32.const 1)) (local.get $count)))
            (local.set $acc (f64x2.add (local.get $acc)
              (f64x2.mul
                (v128.load (i32.add (local.get $G) (i32.shl (local.get $q) (i32.const 3))))
                (v128.load (i32.add (local.get $p) (i32.shl (local.get $q) (i32.const 3)))))))
            (local.set $q (i32.add (local.get $q) (i32.const 2)))
            (br $sum)))
        (local.set $g0 (f64x2.extract_lane 0 (local.get $acc)))
        (if (i32.lt_s (local.get $q) (local.get $count))
          (then
            (local.set $g0 (f64.add (local.get $g0)
              (f64.mul
                (f64.load (i32.add (local.get $G) (i32.shl (local.get $q) (i32.const 3))))
                (f64.load (i32.add (local.get $p) (i32.shl (local.get $q) (i32.const 3)))))))))
        (f64.store (i32.add (local.get $out) (i32.shl (i32.add (local.get $c) (i32.const 1)) (i32.const 3)))
          (f64.add (local.get $g0) (f64x2.extract_lane 1 (local.get $acc))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $dims))))

  ;; beta[k] += row[k] s for k < len (byte offsets row and beta; beta 16-byte aligned), each entry
  ;; one multiply and one add, two entries a lane pair: a row's share of L⁻ᵀv in posteriorGradient.
  (func $addScaledRow (param $row i32) (param $len i32) (param $s f64) (param $beta i32)
    (local $k i32) (local $a i32) (local $vs v128)
    (local.set $vs (f64x2.splat (local.get $s)))
    (block $pairs_done
      (loop $pairs
        (br_if $pairs_done (i32.gt_s (i32.add (local.get $k) (i32.const 2)) (local.get $len)))
        (local.set $a (i32.add (local.get $beta) (i32.shl (local.get $k) (i32.const 3))))
        (v128.store (local.get $a)
          (f64x2.add (v128.load (local.get $a))
            (f64x2.mul (v128.load (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 3))))
              (local.get $vs))))
        (local.set $k (i32.add (local.get $k) (i32.const 2)))
        (br $pairs)))
    (if (i32.lt_s (local.get $k) (local.get $len))
      (then
        (local.set $a (i32.add (local.get $beta) (i32.shl (local.get $k) (i32.const 3))))
        (f64.store (local.get $a)
          (f64.add (f64.load (local.get $a))
            (f64.mul (f64.load (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 3))))
              (local.get $s)))))))

  ;; posteriorGradient(P, n, alpha, Xt, stride, X, d, W, C, x, T, s, u, K, S, v, beta, out): the
  ;; GP posterior at one point x with the gradients' sums (gp.ts's `posteriorGradientSums`,
  ;; operation for operation). P: L⁻¹ packed by rows; Xt: the training points dimension-major
  ;; (coordinate c of point j at c stride + j; stride a multiple of 8); X: the same row-major;
  ;; W, C: ℓ⁻² and categorical flags (as kernelRows8). Writes K[j] = s m(r²_j),
  ;; S[j] = u (1 + a) e^{−a}, v = L⁻¹K, beta = L⁻ᵀv, and out = [Σ K α, Σ v², then from out + 2
  ;; Σ_j S_j α_j ℓ⁻²_c (x_c − X_jc) for each c, then from out + 2 + d' (d' = d rounded up to
  ;; even) the same with −2 S_j beta_j]. x is padded to d', X by one entry.
  (func (export "posteriorGradient")
    (param $P i32) (param $n i32) (param $alpha i32) (param $Xt i32) (param $stride i32) (param $X i32)
    (param $d i32) (param $W i32) (param $C i32) (param $x i32) (param $T i32) (param $s f64) (param $u f64)
    (param $K i32) (param $S i32) (param $v i32) (param $beta i32) (param $out i32)
    (local $q i32) (local $c i32) (local $j i32) (local $i i32) (local $k i32) (local $p i32) (local $h i32)
    (local $count i32) (local $col i32) (local $row i32) (local $dEven i32)
    (local $xc v128) (local $w v128) (local $e v128) (local $r0 v128) (local $r1 v128)
    (local $acc v128) (local $acc2 v128) (local $vi v128) (local $t v128) (local $gm v128) (local $gv v128)
    (local $sum f64) (local $s0 f64)
    ;; r² against every training point (n rounded up to a multiple of 8), four at a time, then
    ;; the kernel and its slope
    (local.set $count (i32.and (i32.add (local.get $n) (i32.const 7)) (i32.const -8)))
    (block $points_done
      (loop $points
        (br_if $points_done (i32.ge_s (local.get $q) (local.get $count)))
        (local.set $r0 (v128.const i64x2 0 0))
        (local.set $r1 (v128.const i64x2 0 0))
        (local.set $c (i32.const 0))
        (local.set $col (i32.add (local.get $Xt) (i32.shl (local.get $q) (i32.const 3))))
        (block $dims_done
          (loop $dims
            (br_if $dims_done (i32.ge_s (local.get $c) (local.get $d)))
            (local.set $xc (f64x2.splat (f64.load (i32.add (local.get $x) (i32.shl (local.get $c) (i32.const 3))))))
            (local.set $w (f64x2.splat (f64.load (i32.add (local.get $W) (i32.shl (local.get $c) (i32.const 3))))))
            (if (f64.ne (f64.load (i32.add (local.get $C) (i32.shl (local.get $c) (i32.const 3)))) (f64.const 0))
              (then
                (local.set $r0 (f64x2.add (local.get $r0) (v128.and (local.get $w) (f64x2.ne (local.get $xc) (v128.load (local.get $col))))))
                (local.set $r1 (f64x2.add (local.get $r1) (v128.and (local.get $w) (f64x2.ne (local.get $xc) (v128.load offset=16 (local.get $col)))))))
              (else
                (local.set $e (f64x2.sub (local.get $xc) (v128.load (local.get $col))))
                (local.set $r0 (f64x2.add (local.get $r0) (f64x2.mul (f64x2.mul (local.get $w) (local.get $e)) (local.get $e))))
                (local.set $e (f64x2.sub (local.get $xc) (v128.load offset=16 (local.get $col))))
                (local.set $r1 (f64x2.add (local.get $r1) (f64x2.mul (f64x2.mul (local.get $w) (local.get $e)) (local.get $e))))))
            (local.set $col (i32.add (local.get $col) (i32.shl (local.get $stride) (i32.const 3))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $dims)))
        (v128.store (i32.add (local.get $K) (i32.shl (local.get $q) (i32.const 3))) (local.get $r0))
        (v128.store offset=16 (i32.add (local.get $K) (i32.shl (local.get $q) (i32.const 3))) (local.get $r1))
        (local.set $q (i32.add (local.get $q) (i32.const 4)))
        (br $points)))
    (call $matern (local.get $K) (local.get $count) (local.get $s) (local.get $T) (local.get $S) (local.get $u))
    ;; mean: Σ_j K_j α_j in order
    (local.set $sum (f64.const 0))
    (local.set $j (i32.const 0))
    (block $mean_done
      (loop $mean
        (br_if $mean_done (i32.ge_s (local.get $j) (local.get $n)))
        (local.set $sum (f64.add (local.get $sum)
          (f64.mul
            (f64.load (i32.add (local.get $K) (i32.shl (local.get $j) (i32.const 3))))
            (f64.load (i32.add (local.get $alpha) (i32.shl (local.get $j) (i32.const 3)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $mean)))
    (f64.store (local.get $out) (local.get $sum))
    ;; v = L⁻¹K (gp.ts's `lowerTimes`): rows in pairs sharing the loads of K, lanes (even k, odd k);
    ;; each row, still in cache, then adds its share to beta = L⁻ᵀv (gp.ts's
    ;; `lowerTransposedTimes`): beta_k = Σ_{i ≥ k} L⁻¹_ik v_i summed in order of i, as there, in
    ;; one pass over L⁻¹ instead of two
    (local.set $j (i32.const 0))
    (block $zero_done
      (loop $zero
        (br_if $zero_done (i32.ge_s (local.get $j) (local.get $n)))
        (f64.store (i32.add (local.get $beta) (i32.shl (local.get $j) (i32.const 3))) (f64.const 0))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $zero)))
    (local.set $p (local.get $P))
    (local.set $i (i32.const 0))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_s (i32.add (local.get $i) (i32.const 1)) (local.get $n)))
        (local.set $h (i32.add (local.get $p) (i32.shl (i32.add (local.get $i) (i32.const 1)) (i32.const 3))))
        (local.set $acc (v128.const i64x2 0 0))
        (local.set $acc2 (v128.const i64x2 0 0))
        (local.set $k (i32.const 0))
        (block $k_done
          (loop $ks
            (br_if $k_done (i32.ge_s (i32.add (local.get $k) (i32.const 1)) (local.get $i)))
            (local.set $vi (v128.load (i32.add (local.get $K) (i32.shl (local.get $k) (i32.const 3)))))
            (local.set $acc (f64x2.add (local.get $acc)
              (f64x2.mul (v128.load (i32.add (local.get $p) (i32.shl (local.get $k) (i32.const 3)))) (local.get $vi))))
            (local.set $acc2 (f64x2.add (local.get $acc2)
              (f64x2.mul (v128.load (i32.add (local.get $h) (i32.shl (local.get $k) (i32.const 3)))) (local.get $vi))))
            (local.set $k (i32.add (local.get $k) (i32.const 2)))
            (br $ks)))
        ;; i is even: row i ends with k = i, row i + 1 with the pair (i, i + 1)
        (local.set $s0 (f64.add (f64x2.extract_lane 0 (local.get $acc))
          (f64.mul
            (f64.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 3))))
            (f64.load (i32.add (local.get $K) (i32.shl (local.get $i) (i32.const 3)))))))
        (local.set $acc2 (f64x2.add (local.get $acc2)
          (f64x2.mul
            (v128.load (i32.add (local.get $h) (i32.shl (local.get $i) (i32.const 3))))
            (v128.load (i32.add (local.get $K) (i32.shl (local.get $i) (i32.const 3)))))))
        (f64.store (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 3)))
          (f64.add (local.get $s0) (f64x2.extract_lane 1 (local.get $acc))))
        (f64.store offset=8 (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 3)))
          (f64.add (f64x2.extract_lane 0 (local.get $acc2)) (f64x2.extract_lane 1 (local.get $acc2))))
        (call $addScaledRow (local.get $p) (i32.add (local.get $i) (i32.const 1))
          (f64.load (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 3)))) (local.get $beta))
        (call $addScaledRow (local.get $h) (i32.add (local.get $i) (i32.const 2))
          (f64.load offset=8 (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 3)))) (local.get $beta))
        (local.set $p (i32.add (local.get $h) (i32.shl (i32.add (local.get $i) (i32.const 2)) (i32.const 3))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $rows)))
    (if (i32.lt_s (local.get $i) (local.get $n))
      (then
        (local.set $acc (v128.const i64x2 0 0))
        (local.set $k (i32.const 0))
        (block $last_done
          (loop $last
            (br_if $last_done (i32.gt_s (i32.add (local.get $k) (i32.const 1)) (local.get $i)))
            (local.set $acc (f64x2.add (local.get $acc)
              (f64x2.mul
                (v128.load (i32.add (local.get $p) (i32.shl (local.get $k) (i32.const 3))))
                (v128.load (i32.add (local.get $K) (i32.shl (local.get $k) (i32.const 3)))))))
            (local.set $k (i32.add (local.get $k) (i32.const 2)))
            (br $last)))
        (local.set $s0 (f64x2.extract_lane 0 (local.get $acc)))
        (if (i32.le_s (local.get $k) (local.get $i))
          (then
            (local.set $s0 (f64.add (local.get $s0)
              (f64.mul
                (f64.load (i32.add (local.get $p) (i32.shl (local.get $k) (i32.const 3))))
                (f64.load (i32.add (local.get $K) (i32.shl (local.get $k) (i32.const 3)))))))))
        (f64.store (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 3)))
          (f64.add (local.get $s0) (f64x2.extract_lane 1 (local.get $acc))))
        (call $addScaledRow (local.get $p) (i32.add (local.get $i) (i32.const 1))
          (f64.load (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 3)))) (local.get $beta))))
    ;; variance term: Σ v² in order
    (local.set $sum (f64.const 0))
    (local.set $j (i32.const 0))
    (block $squares_done
      (loop $squares
        (br_if $squares_done (i32.ge_s (local.get $j) (local.get $n)))
        (local.set $s0 (f64.load (i32.add (local.get $v) (i32.shl (local.get $j) (i32.const 3)))))
        (local.set $sum (f64.add (local.get $sum) (f64.mul (local.get $s0) (local.get $s0))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $squares)))
    (f64.store offset=8 (local.get $out) (local.get $sum))
    ;; gradient sums, two dimensions a lane pair, each summed over j in order
    (local.set $dEven (i32.and (i32.add (local.get $d) (i32.const 1)) (i32.const -2)))
    (local.set $c (i32.const 0))
    (block $grad_done
      (loop $grad
        (br_if $grad_done (i32.ge_s (local.get $c) (local.get $d)))
        (local.set $xc (v128.load (i32.add (local.get $x) (i32.shl (local.get $c) (i32.const 3)))))
        (local.set $w (v128.load (i32.add (local.get $W) (i32.shl (local.get $c) (i32.const 3)))))
        (local.set $acc (v128.const i64x2 0 0))
        (local.set $acc2 (v128.const i64x2 0 0))
        (local.set $j (i32.const 0))
        (local.set $p (i32.add (local.get $X) (i32.shl (local.get $c) (i32.const 3))))
        (block $js_done
          (loop $js
            (br_if $js_done (i32.ge_s (local.get $j) (local.get $n)))
            (local.set $s0 (f64.load (i32.add (local.get $S) (i32.shl (local.get $j) (i32.const 3)))))
            (local.set $gm (f64x2.splat (f64.mul (local.get $s0)
              (f64.load (i32.add (local.get $alpha) (i32.shl (local.get $j) (i32.const 3)))))))
            (local.set $gv (f64x2.splat (f64.mul (f64.mul (f64.const -2) (local.get $s0))
              (f64.load (i32.add (local.get $beta) (i32.shl (local.get $j) (i32.const 3)))))))
            (local.set $t (f64x2.mul (local.get $w) (f64x2.sub (local.get $xc) (v128.load (local.get $p)))))
            (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $gm) (local.get $t))))
            (local.set $acc2 (f64x2.add (local.get $acc2) (f64x2.mul (local.get $gv) (local.get $t))))
            (local.set $p (i32.add (local.get $p) (i32.shl (local.get $d) (i32.const 3))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $js)))
        (v128.store offset=16 (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 3))) (local.get $acc))
        (v128.store offset=16
          (i32.add (local.get $out) (i32.shl (i32.add (local.get $c) (local.get $dEven)) (i32.const 3)))
          (local.get $acc2))
        (local.set $c (i32.add (local.get $c) (i32.const 2)))
        (br $grad))))
)
