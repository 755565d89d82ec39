// Packing: copies blocks of op(A) and op(B) into the contiguous, zero-padded slivers the micro-kernels
// read (layout in gemm_kernels.hpp). Transposes end here: a view only swaps its two strides.
// The padding only feeds the part of an edge tile that is thrown away; zeros keep it from holding
// uninitialised memory, whose denormals or NaNs could slow the arithmetic down.
//
// Each routine has a fast path for the common full-width sliver whose source runs are contiguous,
// with the sliver width a compile-time constant so the copy is a few vector moves; perf showed the
// generic element-by-element loop at a quarter of the time of a 64³ multiply.
#pragma once

#include <algorithm>
#include <cstddef>
#include <type_traits>

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
  const T* pointer(size_t r, size_t c) const { return data + r * rowStride + c * colStride; }
  MatrixView offset(size_t r, size_t c) const { return {pointer(r, c), rowStride, colStride}; }
};

namespace detail {

// One sliver of `width` (a compile-time W, or 0: runtime w) values per step over kc steps, taking
// element (s, x) of the source at src[s·stepStride + x·elemStride]; x past `count` are zeros.
template <size_t W, typename T>
void packSliver(const T* src, size_t stepStride, size_t elemStride, size_t kc, size_t count, size_t w, T* dst) {
  const size_t width = W ? W : w;
  if (W && count == W && elemStride == 1) {
    for (size_t s = 0; s < kc; ++s, src += stepStride, dst += W) {
      for (size_t x = 0; x < W; ++x) dst[x] = src[x];
    }
    return;
  }
  if (count == width && stepStride == 1) {
    // The source runs go along the steps (rows of A, most often): read side by side so that the
    // writes are contiguous, each run prefetched two cache lines ahead, since the runs lie far apart
    // (a row of A each) and the hardware prefetchers did not keep up (Zen 3, perf of a f32 1024³
    // multiply: packing A went from 7% to 4% of it against one run at a time).
    constexpr size_t kLine = 64 / sizeof(T);
    for (size_t s = 0; s < kc; ++s, dst += width) {
      if (s % kLine == 0 && s + 2 * kLine < kc) {  // never a pointer past the block
        for (size_t x = 0; x < width; ++x) __builtin_prefetch(src + x * elemStride + s + 2 * kLine);
      }
      for (size_t x = 0; x < width; ++x) dst[x] = src[x * elemStride + s];
    }
    return;
  }
  for (size_t s = 0; s < kc; ++s, dst += width) {
    for (size_t x = 0; x < count; ++x) dst[x] = src[s * stepStride + x * elemStride];
    for (size_t x = count; x < width; ++x) dst[x] = T(0);
  }
}

// Whole slivers [0, slivers) of width W, walking the source's rows (elements at src[s·stepStride +
// x], x running across all the slivers) so that each row is read once, contiguously; sliver j of the
// destination starts at dst + j·W·kc. For B, whose slivers otherwise start each step on another
// row, another page for wide matrices (Zen 3, f32 1024³: 5% of the multiply, under 3% this way).
template <size_t W, typename T>
void packSliversByRows(const T* src, size_t stepStride, size_t kc, size_t slivers, T* dst) {
  for (size_t s = 0; s < kc; ++s, src += stepStride) {
    const T* from = src;
    T* to = dst + s * W;
    for (size_t j = 0; j < slivers; ++j, from += W, to += W * kc) {
      for (size_t x = 0; x < W; ++x) to[x] = from[x];
    }
  }
}

template <typename T>
using SliverPacker = void (*)(const T*, size_t, size_t, size_t, size_t, size_t, T*);

// Calls fn(std::integral_constant<size_t, W>{}) with W = width for the sliver widths of every table
// in block_sizes.hpp, W = 0 (the generic loops) for any other width.
template <class Fn>
decltype(auto) withSliverWidth(size_t width, Fn&& fn) {
  switch (width) {
    case 4: return fn(std::integral_constant<size_t, 4>{});
    case 6: return fn(std::integral_constant<size_t, 6>{});
    case 8: return fn(std::integral_constant<size_t, 8>{});
    case 12: return fn(std::integral_constant<size_t, 12>{});
    case 16: return fn(std::integral_constant<size_t, 16>{});
    case 32: return fn(std::integral_constant<size_t, 32>{});
    default: return fn(std::integral_constant<size_t, 0>{});
  }
}

template <typename T>
SliverPacker<T> sliverPacker(size_t width) {
  return withSliverWidth(width, [](auto w) -> SliverPacker<T> { return packSliver<decltype(w)::value, T>; });
}

}  // namespace detail

// Packs slivers [s0, s1) of the mc×kc block at the top-left of `a`: sliver s holds rows
// [s·mr, s·mr + mr) as kc columns of mr consecutive values; rows past mc are zeros.
template <typename T>
void packA(MatrixView<T> a, size_t mc, size_t kc, size_t mr, size_t s0, size_t s1, T* dst) {
  const auto pack = detail::sliverPacker<T>(mr);
  for (size_t s = s0; s < s1; ++s) {
    const size_t i0 = s * mr;
    pack(a.pointer(i0, 0), a.colStride, a.rowStride, kc, std::min(mr, mc - i0), mr, dst + s * mr * kc);
  }
}

// Packs slivers [s0, s1) of the kc×nc block at the top-left of `b`: sliver s holds columns
// [s·nr, s·nr + nr) as kc rows of nr consecutive values; columns past nc are zeros. Packing a range
// of slivers lets the threads share the work on one panel.
template <typename T>
void packB(MatrixView<T> b, size_t kc, size_t nc, size_t nr, size_t s0, size_t s1, T* panel) {
  const size_t wholeEnd = std::min(s1, nc / nr);
  if (b.colStride == 1 && wholeEnd > s0) {
    // Row-major B: its whole slivers row by row (at the compile-time widths only).
    detail::withSliverWidth(nr, [&](auto width) {
      constexpr size_t W = decltype(width)::value;
      if constexpr (W != 0) {
        detail::packSliversByRows<W>(b.pointer(0, s0 * nr), b.rowStride, kc, wholeEnd - s0, panel + s0 * nr * kc);
        s0 = wholeEnd;
      }
    });
  }
  const auto pack = detail::sliverPacker<T>(nr);
  for (size_t s = s0; s < s1; ++s) {
    const size_t j0 = s * nr;
    pack(b.pointer(0, j0), b.rowStride, b.colStride, kc, std::min(nr, nc - j0), nr, panel + s * nr * kc);
  }
}

}  // namespace pk::gemm
