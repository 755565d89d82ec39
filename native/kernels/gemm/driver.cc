// The GEMM driver: BLIS/GotoBLAS blocking (jc → pc → ic → jr → ir → micro-kernel) split across the
// threads of an ExecContext, plus the cases that need no blocking at all.
#include <algorithm>
#include <cstddef>
#include <limits>
#include <memory>
#include <new>

#include "kernels/gemm/block_sizes.hpp"
#include "kernels/gemm/gemm.hpp"
#include "kernels/gemm/gemm_kernels.hpp"
#include "kernels/gemm/pack.hpp"

namespace pk::gemm {
namespace {

// Thresholds measured on the Zen 4 machine of block_sizes.hpp.
// Each thread needs about this much work to repay waking it: 2 threads start to beat 1 near 128³.
constexpr double kMultiplyAddsPerThread = 1 << 20;
// Up to this many slivers of B per panel, the kernels read A unpacked (see gemmBlocked).
constexpr size_t kUnpackedAMaxSlivers = 4;
// Up to this size (a quarter of L2), a B that is not transposed is read in place (see gemmBlocked).
constexpr size_t kInPlaceBMaxBytes = size_t{256} << 10;

constexpr size_t kPanelAlignment = 64;  // a cache line: each packed panel and block starts on one

constexpr size_t ceilDiv(size_t x, size_t y) { return (x + y - 1) / y; }
constexpr size_t roundUp(size_t x, size_t y) { return ceilDiv(x, y) * y; }
// Start of part `i` when `count` items are cut into `parts` contiguous parts that differ by one at most.
constexpr size_t partStart(size_t count, size_t parts, size_t i) { return count * i / parts; }

struct AlignedDelete {
  void operator()(std::byte* p) const { ::operator delete(p, std::align_val_t{kPanelAlignment}); }
};
using AlignedBytes = std::unique_ptr<std::byte[], AlignedDelete>;
AlignedBytes allocateAligned(size_t bytes) {
  return AlignedBytes(static_cast<std::byte*>(::operator new(bytes, std::align_val_t{kPanelAlignment})));
}

// The packed panels' memory, kept by each calling thread from one call to the next: allocating and
// first touching a fresh megabyte per call (glibc hands large blocks back to the kernel on free) cost
// a fifth of a 256³ f64 multiply on 2 threads. A nested call on the same thread, should a kernel
// ever make one, gets memory of its own.
class PackingMemory {
 public:
  explicit PackingMemory(size_t bytes) {
    Kept& kept = keptByThisThread();
    if (kept.inUse) {
      own_ = allocateAligned(bytes);
      data_ = own_.get();
      return;
    }
    if (kept.bytes < bytes) {
      kept.data.reset();  // first, so that the old and the new block are never both held
      kept.bytes = 0;
      kept.data = allocateAligned(bytes);
      kept.bytes = bytes;
    }
    kept.inUse = true;
    kept_ = &kept;
    data_ = kept.data.get();
  }
  ~PackingMemory() {
    if (kept_) kept_->inUse = false;
  }
  PackingMemory(const PackingMemory&) = delete;
  PackingMemory& operator=(const PackingMemory&) = delete;

  // The memory as an array of T, from `offset` bytes in.
  template <typename T>
  T* at(size_t offset) const {
    return reinterpret_cast<T*>(data_ + offset);
  }

 private:
  struct Kept {
    AlignedBytes data;
    size_t bytes = 0;
    bool inUse = false;
  };
  static Kept& keptByThisThread() {
    thread_local Kept kept;
    return kept;
  }

  Kept* kept_ = nullptr;
  AlignedBytes own_;
  std::byte* data_ = nullptr;
};

// k == 0 or alpha == 0: op(A)·op(B) contributes nothing and is not read (a NaN in it does not count).
template <typename T>
void scaleC(const GemmJob<T>& job) {
  T* c = job.c;
  const size_t size = job.m * job.n;
  if (job.beta == T(0)) {
    std::fill_n(c, size, T(0));  // C is not read: NaN or Inf in it does not survive
  } else if (job.beta != T(1)) {
    for (size_t i = 0; i < size; ++i) c[i] *= job.beta;
  }
}

// One packed sliver of mr rows of A (lda = MR) against one sliver of B. The matrix's last sliver is
// often partial; where the edge kernel's fewer rows cover it with less work than the full tile, whose
// padding rows are computed and thrown away, it runs as calls of the edge kernel instead.
template <typename T>
void runPackedSliver(const GemmKernel<T>& kernel, size_t kc, const T* a, const T* b, size_t ldb, T* c, size_t ldc,
                     T alpha, T beta, size_t mr, size_t nr) {
  const size_t MR = kernel.blocks.mr, edge = kernel.blocks.mrEdge;
  if (edge == 0 || mr > MR - edge) return kernel.run(kc, a, MR, b, ldb, c, ldc, alpha, beta, mr, nr);
  for (size_t r = 0; r < mr; r += edge) {
    kernel.runEdge(kc, a + r, MR, b, ldb, c + r * ldc, ldc, alpha, beta, std::min(edge, mr - r), nr);
  }
}

// How the threads share the work on one packed panel of B: rowWays groups of rows of C times
// colWays groups of NR-slivers, one thread per pair.
struct Split {
  size_t rowWays, colWays;
};

// Picks the split whose largest share, in micro-tiles, is smallest. On a tie more row groups win:
// each thread then packs only its own rows of A, and the panel of B is read once per row group.
Split chooseSplit(size_t rowTiles, size_t colTiles, size_t threads) {
  Split best{1, threads};
  size_t bestShare = std::numeric_limits<size_t>::max();
  for (size_t rowWays = threads; rowWays >= 1; --rowWays) {
    if (threads % rowWays != 0) continue;
    const size_t colWays = threads / rowWays;
    const size_t share = ceilDiv(rowTiles, rowWays) * ceilDiv(colTiles, colWays);
    if (share < bestShare) best = {rowWays, colWays}, bestShare = share;
  }
  return best;
}

// The five loops. Writes C into `c` (the caller's C, or a scratch copy of it).
template <typename T>
void gemmBlocked(const GemmJob<T>& job, T* c, const GemmKernel<T>& kernel, const ExecContext& ctx) {
  const auto [MR, NR, MC, KC, NC, MRe] = kernel.blocks;
  const size_t m = job.m, n = job.n, k = job.k;
  const double multiplyAdds = double(m) * double(n) * double(k);
  const size_t threads = std::max<size_t>(1, std::min<double>(ctx.threads(), multiplyAdds / kMultiplyAddsPerThread));
  const auto a = MatrixView<T>::of(job.a, m, k, job.transA);
  const auto b = MatrixView<T>::of(job.b, k, n, job.transB);
  // A packed block of A is read once per sliver of B: with few of them, packing costs more than
  // it saves, and the kernels read A where it is.
  const bool packingA = n > kUnpackedAMaxSlivers * NR;
  // A small B stays in cache whether packed or not, and packing it cost ~9% of a 64³ f32 multiply:
  // when it is not transposed, the kernels read its whole slivers in place, and only a partial last
  // sliver is packed. (Zen 5, one thread, a throwaway A/B harness against packing: f32 64³ 0.79 ->
  // 0.96x OpenBLAS, f64 96³ 0.70 -> 0.89x; a bound of 4 MiB instead of 256 KiB gained nothing from
  // 192³ to 512³. pk_gemm_bench shows the 64³ figures.)
  const bool bInPlace = !job.transB && k * n * sizeof(T) <= kInPlaceBMaxBytes;

  // One panel of B shared by all threads, then one block of A per thread, each starting on a cache
  // line; all reused by every pc and jc.
  const size_t kcMax = std::min(KC, k);
  const size_t bPanelBytes = roundUp(kcMax * roundUp(std::min(NC, n), NR) * sizeof(T), kPanelAlignment);
  const size_t aBlockBytes = roundUp(kcMax * roundUp(std::min(MC, m), MR) * sizeof(T), kPanelAlignment);
  const PackingMemory memory(bPanelBytes + threads * aBlockBytes);
  T* const bPanel = memory.at<T>(0);

  for (size_t jc = 0; jc < n; jc += NC) {  // jc, on the caller: NC columns of C at a time
    const size_t nc = std::min(NC, n - jc);
    const size_t slivers = ceilDiv(nc, NR);
    const Split split = chooseSplit(ceilDiv(m, MR), slivers, threads);

    for (size_t pc = 0; pc < k; pc += KC) {  // pc, on the caller: KC terms of the sum at a time
      const size_t kc = std::min(KC, k - pc);
      ctx.throwIfCancelled();
      const MatrixView<T> bBlock = b.offset(pc, jc);
      const size_t packedFrom = bInPlace ? nc / NR : 0;  // the slivers before it are read in place
      if (bInPlace) {
        packB(bBlock, kc, nc, NR, packedFrom, slivers, bPanel);
      } else {
        ctx.parallelFor(threads, [&](size_t t) {  // thread t packs its share of the panel's slivers
          packB(bBlock, kc, nc, NR, partStart(slivers, threads, t), partStart(slivers, threads, t + 1), bPanel);
        });
      }
      // Barrier (parallelFor returns when all are done): every thread reads the whole panel below.

      // beta scales C once, on the first pc; later pcs add to what it wrote.
      const T beta = pc == 0 ? job.beta : T(1);
      ctx.parallelFor(threads, [&](size_t t) {
        const size_t rowGroup = t / split.colWays, colGroup = t % split.colWays;
        const size_t rowTiles = ceilDiv(m, MR);
        const size_t rowBegin = partStart(rowTiles, split.rowWays, rowGroup) * MR;
        const size_t rowEnd = std::min(m, partStart(rowTiles, split.rowWays, rowGroup + 1) * MR);
        const size_t sliverBegin = partStart(slivers, split.colWays, colGroup);
        const size_t sliverEnd = partStart(slivers, split.colWays, colGroup + 1);
        if (rowBegin >= rowEnd || sliverBegin >= sliverEnd) return;
        // Blocks of equal height, so that no thin last block streams the panel for little work.
        const size_t rows = rowEnd - rowBegin;
        const size_t mcStep = roundUp(ceilDiv(rows, ceilDiv(rows, MC)), MR);
        T* const aBlock = memory.at<T>(bPanelBytes + t * aBlockBytes);

        for (size_t ic = rowBegin; ic < rowEnd; ic += mcStep) {  // ic, thread t: its rows, one A block at a time
          ctx.throwIfCancelled();
          const size_t mc = std::min(mcStep, rowEnd - ic);
          const MatrixView<T> aBlockView = a.offset(ic, pc);
          // Unpacked, the kernels read A in place, and so does the edge kernel for a partial last
          // sliver of whole MRe-row groups (64 = 5·12 + 4 rows on AVX-512); only another partial
          // sliver is packed, since a kernel reads all its rows.
          const size_t wholeSlivers = packingA ? 0 : mc / MR;
          const bool edgeInPlace = !packingA && MRe > 0 && mc % MR % MRe == 0;
          if (!edgeInPlace) packA(aBlockView, mc, kc, MR, wholeSlivers, ceilDiv(mc, MR), aBlock);

          for (size_t jr = sliverBegin * NR; jr < sliverEnd * NR; jr += NR) {  // jr, thread t: its slivers of B
            const size_t nr = std::min(NR, nc - jr);
            const bool sliverInPlace = jr / NR < packedFrom;
            const T* const bSliver = sliverInPlace ? bBlock.pointer(0, jr) : bPanel + jr * kc;
            const size_t ldb = sliverInPlace ? bBlock.rowStride : NR;

            for (size_t ir = 0; ir < mc; ir += MR) {  // ir, thread t: every sliver of its A block
              T* const cTile = c + (ic + ir) * n + jc + jr;
              const size_t mr = std::min(MR, mc - ir);
              if (ir / MR >= wholeSlivers && edgeInPlace) {
                for (size_t r = 0; r < mr; r += MRe) {
                  if (job.transA) {
                    kernel.runEdge(kc, aBlockView.pointer(ir + r, 0), m, bSliver, ldb, cTile + r * n, n, job.alpha, beta, MRe, nr);
                  } else {
                    kernel.runEdgeRowMajorA(kc, aBlockView.pointer(ir + r, 0), k, bSliver, ldb, cTile + r * n, n, job.alpha, beta, MRe,
                                            nr);
                  }
                }
              } else if (ir / MR >= wholeSlivers) {
                runPackedSliver(kernel, kc, aBlock + ir * kc, bSliver, ldb, cTile, n, job.alpha, beta, mr, nr);
              } else if (job.transA) {
                kernel.run(kc, aBlockView.pointer(ir, 0), m, bSliver, ldb, cTile, n, job.alpha, beta, mr, nr);
              } else {
                kernel.runRowMajorA(kc, aBlockView.pointer(ir, 0), k, bSliver, ldb, cTile, n, job.alpha, beta, mr, nr);
              }
            }
          }
        }
      });
      // Barrier: the next pc repacks the panel the threads were reading.
    }
  }
}

template <typename T>
void run(const GemmJob<T>& job, const ExecContext& ctx) {
  ctx.throwIfCancelled();
  const size_t m = job.m, n = job.n;
  if (m == 0 || n == 0) return;
  // The paths that cannot be cancelled once started write C directly.
  if (job.k == 0 || job.alpha == T(0)) return scaleC(job);
  const GemmKernel<T>& kernel = kernelOf<T>(job.kernels ? *job.kernels : gemmKernels());
  if (kernel.small(job)) return;

  if (!job.preserveCOnCancel) return gemmBlocked(job, job.c, kernel, ctx);
  // The scratch needs C's values only when beta makes the micro-kernels read them.
  const auto scratch = std::make_unique_for_overwrite<T[]>(m * n);
  if (job.beta != T(0)) std::copy_n(job.c, m * n, scratch.get());
  gemmBlocked(job, scratch.get(), kernel, ctx);
  std::copy_n(scratch.get(), m * n, job.c);
}

}  // namespace

void gemm(const GemmJob<float>& job, const ExecContext& ctx) { run(job, ctx); }
void gemm(const GemmJob<double>& job, const ExecContext& ctx) { run(job, ctx); }

}  // namespace pk::gemm
