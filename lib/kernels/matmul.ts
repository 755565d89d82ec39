import type { FloatArray, KernelSteps } from './types.js';

export interface GemmArgs<T extends FloatArray> {
  a: T;
  b: T;
  c: T;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  alpha: number;
  beta: number;
  /** The block of C to compute, [first, end) rows and columns (default: all of C). */
  rows?: readonly [number, number];
  cols?: readonly [number, number];
}

/** Rows and columns of C per micro-kernel call: 16 accumulators in locals. */
export const MR = 4;
export const NR = 4;
/** Depth of one packed block: an MR×KC slice of A and a KC×NR slice of B (8 KiB each) share L1. */
const KC = 256;
/** Columns of one packed block of B: KC×NC doubles (512 KiB) stay in L2. */
const NC = 256;
/** Floating-point operations between yields: about 2–4 ms. */
const SLICE_FLOPS = 1 << 23;

/**
 * C = alpha·op(A)·op(B) + beta·C, row-major, GotoBLAS-style: for each KC×NC block of op(B),
 * pack it into NR-column panels, then for each MR rows of op(A) pack those and run the MR×NR
 * micro-kernel over every panel. Packing handles both transposes and pads edge tiles with zeros,
 * so the kernel always reads contiguous Float64Arrays (one element type, and no float32
 * conversions in the inner loop). As in BLAS, beta = 0 never reads C and alpha = 0 never reads
 * A or B. Yields between blocks of rows.
 */
export function* gemmSteps<T extends FloatArray>(args: GemmArgs<T>): KernelSteps {
  const { a, b, c, m, n, k, transA, transB, alpha, beta } = args;
  const [i0, i1] = args.rows ?? [0, m];
  const [j0, j1] = args.cols ?? [0, n];
  if (i0 >= i1 || j0 >= j1) return;
  if (k === 0 || alpha === 0) {
    for (let i = i0; i < i1; i++) scale(c, i * n + j0, i * n + j1, beta);
    return;
  }
  const bPack = new Float64Array(Math.min(k, KC) * Math.ceil(Math.min(j1 - j0, NC) / NR) * NR);
  const aPack = new Float64Array(MR * Math.min(k, KC));
  const tile = new Float64Array(MR * NR);
  let flops = 0;
  for (let jc = j0; jc < j1; jc += NC) {
    const nc = Math.min(NC, j1 - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packB(b, transB, k, n, pc, kc, jc, nc, bPack);
      // The first block of k applies beta; later ones add to what it left in C.
      const blockBeta = pc === 0 ? beta : 1;
      for (let ic = i0; ic < i1; ic += MR) {
        const mr = Math.min(MR, i1 - ic);
        packA(a, transA, m, k, ic, mr, pc, kc, aPack);
        for (let jr = 0; jr < nc; jr += NR) {
          microKernel(aPack, bPack, jr * kc, kc, tile);
          updateC(c, n, ic, jc + jr, mr, Math.min(NR, nc - jr), tile, alpha, blockBeta);
        }
        flops += 2 * mr * nc * kc;
        if (flops >= SLICE_FLOPS) {
          flops = 0;
          yield;
        }
      }
    }
  }
}

/** C[from, to) = beta·C, with beta = 0 writing zeros rather than reading C (NaN·0 would stay NaN). */
function scale(c: FloatArray, from: number, to: number, beta: number): void {
  if (beta === 0) c.fill(0, from, to);
  else if (beta !== 1) for (let i = from; i < to; i++) c[i] *= beta;
}

/**
 * Packs op(A)[ic, ic + mr) × [pc, pc + kc) column by column: pack[p·MR + r] = op(A)[ic + r][pc + p],
 * rows from mr to MR zero.
 */
function packA(
  a: FloatArray, transA: boolean, m: number, k: number,
  ic: number, mr: number, pc: number, kc: number, pack: Float64Array,
): void {
  if (mr < MR) pack.fill(0);
  if (transA) {
    // A is stored k×m: the MR values for one p are adjacent.
    for (let p = 0; p < kc; p++) {
      const from = (pc + p) * m + ic;
      for (let r = 0; r < mr; r++) pack[p * MR + r] = a[from + r];
    }
  } else {
    for (let r = 0; r < mr; r++) {
      const from = (ic + r) * k + pc;
      for (let p = 0; p < kc; p++) pack[p * MR + r] = a[from + p];
    }
  }
}

/**
 * Packs op(B)[pc, pc + kc) × [jc, jc + nc) into panels of NR columns, each kc×NR row-major: the
 * panel of columns [j0, j0 + NR) starts at j0·kc; columns past nc are zero.
 */
function packB(
  b: FloatArray, transB: boolean, k: number, n: number,
  pc: number, kc: number, jc: number, nc: number, pack: Float64Array,
): void {
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const width = Math.min(NR, nc - j0);
    const panel = j0 * kc;
    if (width < NR) pack.fill(0, panel, panel + kc * NR);
    if (transB) {
      // B is stored n×k: each column of op(B) is a contiguous row of B.
      for (let t = 0; t < width; t++) {
        const from = (jc + j0 + t) * k + pc;
        for (let p = 0; p < kc; p++) pack[panel + p * NR + t] = b[from + p];
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const from = (pc + p) * n + jc + j0;
        for (let t = 0; t < width; t++) pack[panel + p * NR + t] = b[from + t];
      }
    }
  }
}

/** tile = (MR×kc panel of A) · (kc×NR panel of B at bOffset), accumulated in 16 locals. */
function microKernel(
  aPack: Float64Array, bPack: Float64Array, bOffset: number, kc: number, tile: Float64Array,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0, ai = 0, bi = bOffset; p < kc; p++, ai += MR, bi += NR) {
    const a0 = aPack[ai], a1 = aPack[ai + 1], a2 = aPack[ai + 2], a3 = aPack[ai + 3];
    const b0 = bPack[bi], b1 = bPack[bi + 1], b2 = bPack[bi + 2], b3 = bPack[bi + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  tile[0] = c00; tile[1] = c01; tile[2] = c02; tile[3] = c03;
  tile[4] = c10; tile[5] = c11; tile[6] = c12; tile[7] = c13;
  tile[8] = c20; tile[9] = c21; tile[10] = c22; tile[11] = c23;
  tile[12] = c30; tile[13] = c31; tile[14] = c32; tile[15] = c33;
}

/** C[row, row + mr) × [col, col + nr) = alpha·tile + beta·C, not reading C when beta = 0. */
function updateC(
  c: FloatArray, n: number, row: number, col: number, mr: number, nr: number,
  tile: Float64Array, alpha: number, beta: number,
): void {
  for (let r = 0; r < mr; r++) {
    const at = (row + r) * n + col;
    for (let t = 0; t < nr; t++) {
      const v = alpha * tile[r * NR + t];
      c[at + t] = beta === 0 ? v : v + beta * c[at + t];
    }
  }
}
