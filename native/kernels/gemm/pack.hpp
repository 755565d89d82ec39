// Packing: copies blocks of op(A) and op(B) into the contiguous, zero-padded slivers the micro-kernels
// read (layout in microkernel_ref.hpp). Transposes end here: a view only swaps its two strides.
// The padding only feeds the part of an edge tile that is thrown away; zeros keep it from holding
// uninitialised memory, whose denormals or NaNs could slow the arithmetic down.
#pragma once

#include <algorithm>
#include <cstddef>

namespace pk::gemm {

// A row-major matrix or its transpose: element (r, c) lies at data[r * rowStride + c * colStride].
template <typename T>
struct MatrixView {
  const T* data;
  size_t rowStride, colStride;

  static MatrixView of(const T* data, size_t rows, size_t cols, bool transposed) {
    // Stored rows × cols, or cols × rows when transposed; either way dense.
    return transposed ? MatrixView{data, 1, rows} : MatrixView{data, cols, 1};
  }
  T at(size_t r, size_t c) const { return data[r * rowStride + c * colStride]; }
  MatrixView offset(size_t r, size_t c) const { return {data + r * rowStride + c * colStride, rowStride, colStride}; }
};

// Packs the mc×kc block at the top-left of `a`, times alpha, into ceil(mc/mr) slivers of mr rows,
// each kc columns of mr consecutive values; rows past mc are zeros.
template <typename T>
void packA(MatrixView<T> a, size_t mc, size_t kc, T alpha, size_t mr, T* dst) {
  for (size_t i0 = 0; i0 < mc; i0 += mr, dst += mr * kc) {
    const size_t rows = std::min(mr, mc - i0);
    for (size_t p = 0; p < kc; ++p) {
      T* d = dst + p * mr;
      for (size_t i = 0; i < rows; ++i) d[i] = alpha * a.at(i0 + i, p);
      for (size_t i = rows; i < mr; ++i) d[i] = T(0);
    }
  }
}

// Packs slivers [s0, s1) of the kc×nc block at the top-left of `b`: sliver s holds columns
// [s·nr, s·nr + nr) as kc rows of nr consecutive values; columns past nc are zeros. Packing a range
// of slivers lets the threads share the work on one panel.
template <typename T>
void packB(MatrixView<T> b, size_t kc, size_t nc, size_t nr, size_t s0, size_t s1, T* panel) {
  for (size_t s = s0; s < s1; ++s) {
    const size_t j0 = s * nr, cols = std::min(nr, nc - j0);
    T* dst = panel + s * nr * kc;
    for (size_t p = 0; p < kc; ++p) {
      T* d = dst + p * nr;
      for (size_t j = 0; j < cols; ++j) d[j] = b.at(p, j0 + j);
      for (size_t j = cols; j < nr; ++j) d[j] = T(0);
    }
  }
}

}  // namespace pk::gemm
