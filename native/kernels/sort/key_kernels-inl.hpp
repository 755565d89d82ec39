// The quicksort inner loops, written once over a traits class T that wraps one instruction set's
// vector of unsigned keys, and compiled once per instruction set by key_kernels_<isa>.cc. T provides:
//
//   K, V, N                    key type, vector type, keys per vector
//   kMaxRegs                   registers the largest sorting network uses (a power of two)
//   load, store, boundVector   unaligned load/store; the vector lessMask compares against
//   lessMask(v, bound)         bit i set iff v[i] < bound
//   partitionVector(v, mask)   the lanes of mask first, then the others, each in lane order
//   min, max                   lane-wise
//   xorLanes<J>(v)             lane i takes lane i ^ J (every J < N with kLaneMajor, else powers of 2)
//   blend<kMask>(x, y)         lane i from x where bit i of kMask is set, else from y
//   kLaneMajor, transpose      optional: opts in to the lane-major networks (below), whose output
//                              transpose(V (&)[N]) turns from columns into rows
//
// A table may partition with one traits class and sort networks with another (key_kernels_avx512.cc).
//
// Everything here is a template over T, so no function of this file is shared (ODR-merged) between
// translation units compiled for different instruction sets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

namespace pk::sort::simd {

// ---- Partition ----
//
// The partitions read each key once, through a map: Keys, the identity, for arrays of keys; or
// key_maps-inl.hpp's map from a caller's values (their bits) to keys, which partitions values in
// place as it maps them (a sort's first level, when it may write the caller's array as it goes).
// Every slot is read before it is written, so once a partition returns, all of a[0, n) are keys.

struct Keys {
  static constexpr bool kIdentity = true;
  template <class K>
  [[gnu::always_inline]] static K map(K key) {  // inlined: no copy for the linker to share between targets
    return key;
  }
};

// Branch-free Lomuto, for ranges too short for the vector loop (and the tail it leaves); a[0, from)
// are keys already, a[from, n) not yet mapped.
template <class T, class Map = Keys>
size_t partitionScalar(typename T::K* a, size_t n, typename T::K bound, size_t m = 0, size_t from = 0) {
  for (size_t i = from; i < n; ++i) {
    const typename T::K key = Map::map(a[i]);
    a[i] = a[m];
    a[m] = key;
    m += key < bound;
  }
  return m;
}

// Loads kCount vectors from p, through Map; a map that is not the identity maps them into a buffer in
// L1 first, in a plain loop that the target's flags vectorize.
template <class T, class Map, size_t kCount>
inline void loadMapped(const typename T::K* p, typename T::V (&v)[kCount]) {
  if constexpr (Map::kIdentity) {
    for (size_t u = 0; u < kCount; ++u) v[u] = T::load(p + u * T::N);
  } else {
    typename T::K keys[kCount * T::N];
    for (size_t i = 0; i < kCount * T::N; ++i) keys[i] = Map::map(p[i]);
    for (size_t u = 0; u < kCount; ++u) v[u] = T::load(keys + u * T::N);
  }
}

// Partitions a[0, n) into keys < bound, then the others, in place; returns how many are < bound.
//
// kUnroll vectors from each end are held in registers first, which frees 2·kUnroll·N slots. Each
// step loads kUnroll vectors from whichever end has fewer free slots, so both ends then have at least
// kUnroll·N free, and stores each vector, partitioned, twice with full-width stores: at the left write
// position, where its keys < bound count, and ending at the right write position, where the others
// count. The garbage each store leaves lands in free slots that later stores overwrite. Permuting in a
// register and storing (never compress-storing to memory) is what keeps this fast on Zen 4; deciding
// the side once per kUnroll vectors keeps the mispredicted branches few.
template <class T, class Map = Keys>
size_t partitionFromAligned(typename T::K* a, size_t n, typename T::K bound) {
  using V = typename T::V;
  constexpr size_t N = T::N;
  // Eight, not four: one unpredictable choice of end per 8 vectors, which measured 2-9% faster on
  // every x86 path (Zen 4), and what lets the u32 table partition beat compresses there.
  constexpr size_t kUnroll = 8;
  constexpr size_t kHeld = kUnroll * N;
  if (n < 2 * kHeld) return partitionScalar<T, Map>(a, n, bound);
  const size_t vectorEnd = n - n % N;
  const V b = T::boundVector(bound);
  V heldLeft[kUnroll], heldRight[kUnroll];
  loadMapped<T, Map>(a, heldLeft);
  loadMapped<T, Map>(a + vectorEnd - kHeld, heldRight);
  size_t readLeft = kHeld, readRight = vectorEnd - kHeld, writeLeft = 0, writeRight = vectorEnd;
  const auto store = [&](V v) {
    const unsigned mask = T::lessMask(v, b);
    const size_t less = static_cast<size_t>(__builtin_popcount(mask));
    const V parted = T::partitionVector(v, mask);
    T::store(a + writeRight - N, parted);
    T::store(a + writeLeft, parted);
    writeLeft += less;
    writeRight -= N - less;
  };
  // readRight - readLeft is a multiple of N; once it is below kHeld, one vector at a time.
  while (readRight - readLeft >= kHeld) {
    const typename T::K* from;
    if (readLeft - writeLeft <= writeRight - readRight) {
      from = a + readLeft;
      readLeft += kHeld;
    } else {
      readRight -= kHeld;
      from = a + readRight;
    }
    V v[kUnroll];
    loadMapped<T, Map>(from, v);
    for (size_t u = 0; u < kUnroll; ++u) store(v[u]);
  }
  while (readLeft < readRight) {
    V v[1];
    if (readLeft - writeLeft <= writeRight - readRight) {
      loadMapped<T, Map>(a + readLeft, v);
      readLeft += N;
    } else {
      readRight -= N;
      loadMapped<T, Map>(a + readRight, v);
    }
    store(v[0]);
  }
  // The free slots, 2·kHeld of them, are now contiguous: the held vectors fill them exactly.
  for (V v : heldLeft) store(v);
  for (V v : heldRight) store(v);
  // The n % N keys after the vector part: a[writeLeft, vectorEnd) are all >= bound.
  return partitionScalar<T, Map>(a, n, bound, writeLeft, vectorEnd);
}

// partitionFromAligned, with its loads (from a + multiple of N) aligned to the vector size: on a range
// that starts off the alignment every load splits a cache line, which made the in-place partition of
// 64Ki-key blocks 2.5x slower (1e7 u64, AVX-512, Zen 4: 13 ms against 5), and the recursion's ranges
// start anywhere. The keys before the first aligned address are partitioned alone, and the keys >=
// bound among them are swapped with the last keys < bound of the rest.
template <class T, class Map = Keys>
size_t partition(typename T::K* a, size_t n, typename T::K bound) {
  using K = typename T::K;
  constexpr size_t kAlign = sizeof(typename T::V);
  // Plain loops rather than std:: algorithms: an instantiation of those would be shared with the
  // other instruction sets' translation units (see the top of this file).
  const size_t toAlign = (kAlign - reinterpret_cast<uintptr_t>(a) % kAlign) % kAlign / sizeof(K);
  const size_t head = toAlign < n ? toAlign : n;
  if (head == 0) return partitionFromAligned<T, Map>(a, n, bound);
  const size_t headLess = partitionScalar<T, Map>(a, head, bound);
  const size_t restLess = partitionFromAligned<T, Map>(a + head, n - head, bound);
  // a[headLess, head) are >= bound, a[head, head + restLess) are < bound.
  const size_t moved = head - headLess < restLess ? head - headLess : restLess;
  for (size_t i = 0; i < moved; ++i) {
    const K key = a[headLess + i];
    a[headLess + i] = a[head + restLess - moved + i];
    a[head + restLess - moved + i] = key;
  }
  return headLess + restLess;
}

// ---- Sorting networks ----

// One compare-exchange pass (K, J) of a bitonic sort of M registers (M·N keys, lane i of register r
// being key r·N + i): key x is paired with x ^ J and the pair is put in ascending order where
// x & K == 0, descending elsewhere.
template <class T, size_t M, size_t K, size_t J>
inline void bitonicPass(typename T::V (&v)[M]) {
  constexpr size_t N = T::N;
  if constexpr (J >= N) {
    // Pairs across registers: whole-register min/max.
    constexpr size_t stride = J / N;
    for (size_t r = 0; r < M; ++r) {
      if (r & stride) continue;
      const auto lo = T::min(v[r], v[r + stride]);
      const auto hi = T::max(v[r], v[r + stride]);
      const bool ascending = ((r * N) & K) == 0;
      v[r] = ascending ? lo : hi;
      v[r + stride] = ascending ? hi : lo;
    }
  } else {
    // Pairs inside a register: swap lanes, then keep the min in the lanes that want it.
    [&]<size_t... R>(std::index_sequence<R...>) {
      const auto pass = [&]<size_t r>(std::integral_constant<size_t, r>) {
        constexpr unsigned takesMin = [] {
          unsigned mask = 0;
          for (size_t i = 0; i < N; ++i) {
            const bool ascending = ((r * N + i) & K) == 0;
            const bool lower = (i & J) == 0;
            if (ascending == lower) mask |= 1u << i;
          }
          return mask;
        }();
        const auto other = T::template xorLanes<J>(v[r]);
        v[r] = T::template blend<takesMin>(T::min(v[r], other), T::max(v[r], other));
      };
      (pass(std::integral_constant<size_t, R>{}), ...);
    }(std::make_index_sequence<M>{});
  }
  if constexpr (J > 1) bitonicPass<T, M, K, J / 2>(v);
}

template <class T, size_t M, size_t K = 2>
inline void bitonicSort(typename T::V (&v)[M]) {
  bitonicPass<T, M, K, K / 2>(v);
  if constexpr (K < M * T::N) bitonicSort<T, M, K * 2>(v);
}

// ---- Lane-major networks ----
//
// The bitonic sort above numbers the keys row by row (register r, lane i is key r·N + i), so every
// stage ends with log2(N) passes inside registers, each a shuffle, a min, a max and a blend per
// register. Numbering them column by column instead (key x = i·M + r lives in register r, lane i)
// turns every pass over distances below M into plain min/max between whole registers, and leaves
// the shuffles to the few passes over larger distances. Every compare-exchange puts the smaller key
// at the lower number: each merge stage begins with a "flip" pass (x against x ^ (2K - 1)) instead
// of alternating directions. The keys come out sorted column by column, and N×N transposes put them
// back in rows. Needs M >= N, T::xorLanes<J> for every J < N (lane reversals included) and
// T::transpose (an N×N block of registers).

// The mask of the lanes i with (i & kBit) == 0.
template <class T, size_t kBit>
constexpr unsigned lanesWithBitClear() {
  unsigned mask = 0;
  for (size_t i = 0; i < T::N; ++i) mask |= ((i & kBit) == 0 ? 1u : 0u) << i;
  return mask;
}

// One half-cleaner pass (distance J) and the smaller ones after it.
template <class T, size_t M, size_t J>
inline void laneMajorHalfCleaner(typename T::V (&v)[M]) {
  if constexpr (J >= M) {
    constexpr size_t L = J / M;  // pairs of lanes i, i ^ L inside each register
    constexpr unsigned lowerLanes = lanesWithBitClear<T, L>();
    for (size_t r = 0; r < M; ++r) {
      const auto other = T::template xorLanes<L>(v[r]);
      v[r] = T::template blend<lowerLanes>(T::min(v[r], other), T::max(v[r], other));
    }
  } else {
    for (size_t r = 0; r < M; ++r) {
      if (r & J) continue;
      const auto lo = T::min(v[r], v[r + J]);
      v[r + J] = T::max(v[r], v[r + J]);
      v[r] = lo;
    }
  }
  if constexpr (J > 1) laneMajorHalfCleaner<T, M, J / 2>(v);
}

// Merges sorted blocks of K keys into sorted blocks of 2K, then goes on to 4K, up to all M·N keys.
template <class T, size_t M, size_t K = 1>
inline void laneMajorSort(typename T::V (&v)[M]) {
  if constexpr (2 * K <= M) {
    // Flip between registers r and r ^ (2K - 1), r below the middle of its block.
    for (size_t r = 0; r < M; ++r) {
      if (r & K) continue;
      const size_t partner = r ^ (2 * K - 1);
      const auto lo = T::min(v[r], v[partner]);
      v[partner] = T::max(v[r], v[partner]);
      v[r] = lo;
    }
  } else {
    // Flip between register r, lane i and register M - 1 - r, lane i ^ F: the key in the lane whose
    // bit K/M is clear has the lower number and takes the minimum.
    constexpr size_t F = 2 * K / M - 1;
    constexpr unsigned lowerLanes = lanesWithBitClear<T, K / M>();
    for (size_t r = 0; r < M / 2; ++r) {
      const auto partner = T::template xorLanes<F>(v[M - 1 - r]);
      const auto lo = T::min(v[r], partner);
      const auto hi = T::max(v[r], partner);
      v[r] = T::template blend<lowerLanes>(lo, hi);
      v[M - 1 - r] = T::template xorLanes<F>(T::template blend<lowerLanes>(hi, lo));
    }
  }
  if constexpr (K > 1) laneMajorHalfCleaner<T, M, K / 2>(v);
  if constexpr (2 * K < M * T::N) laneMajorSort<T, M, 2 * K>(v);
}

// ---- Merge ----

// Reads a sorted input one vector at a time; its last, partial vector is padded with the largest
// key, which sorts after every real key (or ties with it: equal keys are identical).
template <class T>
class MergeInput {
 public:
  using K = typename T::K;
  using V = typename T::V;
  MergeInput(const K* keys, size_t n) : next_(keys), left_(n) {}
  bool done() const { return left_ == 0; }
  bool whole() const { return left_ >= T::N; }  // a whole vector is left
  K head() const { return *next_; }             // !done() only

  V take() {
    if (whole()) {
      const V v = T::load(next_);
      next_ += T::N;
      left_ -= T::N;
      return v;
    }
    K padded[T::N];
    std::memcpy(padded, next_, left_ * sizeof(K));
    for (size_t i = left_; i < T::N; ++i) padded[i] = K(~K{0});
    left_ = 0;
    return T::load(padded);
  }

  // The next vector of whichever of x and y (both whole()) has the smaller head, picked without a
  // branch: merging random keys, a branch would be mispredicted every other vector.
  static V takeSmaller(MergeInput& x, MergeInput& y) {
    const bool fromY = y.head() < x.head();
    const V v = T::load(fromY ? y.next_ : x.next_);
    const size_t xStep = fromY ? 0 : T::N, yStep = T::N - xStep;
    x.next_ += xStep;
    x.left_ -= xStep;
    y.next_ += yStep;
    y.left_ -= yStep;
    return v;
  }

 private:
  const K* next_;
  size_t left_;
};

// out[0, na + nb) = the sorted a[0, na) and b[0, nb) merged (out overlaps neither). One register
// holds the N largest keys read so far; the next vector comes from the input whose next key is
// smaller, a bitonic network (that vector, then the held one reversed) merges the two, and the lower
// N keys are final: nothing still unread is below them. One choice per N keys instead of a compare
// per key, whose chain of load, compare and select bounds the scalar merge.
template <class T>
void merge(const typename T::K* a, size_t na, const typename T::K* b, size_t nb, typename T::K* out) {
  using K = typename T::K;
  using V = typename T::V;
  constexpr size_t N = T::N;
  const size_t n = na + nb;
  if (na == 0 || nb == 0) {
    if (n > 0) std::memcpy(out, na == 0 ? b : a, n * sizeof(K));
    return;
  }
  MergeInput<T> x(a, na), y(b, nb);
  V held = x.head() <= y.head() ? x.take() : y.take();
  size_t written = 0;
  const auto emit = [&](V v) {
    if (written + N <= n) {
      T::store(out + written, v);
    } else {
      K last[N];  // the padding: only the real keys fit in out
      T::store(last, v);
      std::memcpy(out + written, last, (n - written) * sizeof(K));
    }
    written += N;
  };
  const auto mergeWithHeld = [&](V next) {
    V v[2] = {next, T::template xorLanes<N - 1>(held)};
    bitonicPass<T, 2, 2 * N, N>(v);
    emit(v[0]);
    held = v[1];
  };
  while (x.whole() && y.whole()) mergeWithHeld(MergeInput<T>::takeSmaller(x, y));
  while (!x.done() || !y.done()) mergeWithHeld(!y.done() && (x.done() || y.head() < x.head()) ? y.take() : x.take());
  if (written < n) emit(held);
}

// ---- Small ranges ----

// Moves keys between a[0, n) and M registers, padded with the largest key (which sorts last). With
// T::loadPadded and T::storeFirst (masked loads and stores), straight from and to a; otherwise
// through a buffer on the stack.
template <class T, size_t M>
class RegisterBlock {
 public:
  using K = typename T::K;
  using V = typename T::V;
  static constexpr size_t N = T::N;
  static constexpr bool kMasked = requires(const K* p, K* q, V v) {
    T::loadPadded(p, size_t{0});
    T::storeFirst(q, v, size_t{0});
  };

  RegisterBlock(K* a, size_t n) : a_(a), n_(n) {
    if constexpr (!kMasked) {
      std::memcpy(buffer_, a, n * sizeof(K));
      for (size_t i = n; i < M * N; ++i) buffer_[i] = K(~K{0});
    }
  }
  // The N keys from position `at` (a multiple of N).
  V load(size_t at) const {
    if constexpr (kMasked) {
      return at + N <= n_ ? T::load(a_ + at) : T::loadPadded(a_ + at, at < n_ ? n_ - at : 0);
    } else {
      return T::load(buffer_ + at);
    }
  }
  // Stores N keys at position `at`, of which those past n are padding.
  void store(size_t at, V v) {
    if constexpr (kMasked) {
      if (at + N <= n_) {
        T::store(a_ + at, v);
      } else if (at < n_) {
        T::storeFirst(a_ + at, v, n_ - at);
      }
    } else {
      T::store(buffer_ + at, v);
    }
  }
  ~RegisterBlock() {
    if constexpr (!kMasked) std::memcpy(a_, buffer_, n_ * sizeof(K));
  }

 private:
  K* a_;
  size_t n_;
  struct Empty {};
  [[no_unique_address]] std::conditional_t<kMasked, Empty, K[M * N]> buffer_;
};

// Sorts a[0, n), n <= M·N, in M registers, with the row-major bitonic network or the lane-major one
// (M >= N).
template <class T, size_t M, bool kLaneMajor>
void sortInRegisters(typename T::K* a, size_t n) {
  constexpr size_t N = T::N;
  RegisterBlock<T, M> block(a, n);
  typename T::V v[M];
  for (size_t r = 0; r < M; ++r) v[r] = block.load(r * N);
  if constexpr (kLaneMajor) {
    static_assert(M >= N, "the lane-major network numbers lanes above registers");
    laneMajorSort<T, M>(v);
    // Key x is in register x % M, lane x / M. Transposed by blocks of N registers, block b's lane i
    // holds keys i·M + b·N onwards: N keys in a row.
    for (size_t b = 0; b < M / N; ++b) {
      typename T::V rows[N];
      for (size_t r = 0; r < N; ++r) rows[r] = v[b * N + r];
      T::transpose(rows);
      for (size_t i = 0; i < N; ++i) block.store(i * M + b * N, rows[i]);
    }
  } else {
    bitonicSort<T, M>(v);
    for (size_t r = 0; r < M; ++r) block.store(r * N, v[r]);
  }
}

// Sorts a[0, n), n <= kMaxRegs·N, with the smallest network that holds it: lane-major where T opts in
// (T::kLaneMajor) and the network has at least N registers.
template <class T, size_t M = 1>
void sortSmall(typename T::K* a, size_t n) {
  if (n <= 1) return;
  if constexpr (M < T::kMaxRegs) {
    if (n > M * T::N) return sortSmall<T, M * 2>(a, n);
  }
  if constexpr (requires { T::kLaneMajor; }) {
    if constexpr (T::kLaneMajor && M >= T::N) return sortInRegisters<T, M, true>(a, n);
  }
  sortInRegisters<T, M, false>(a, n);
}

}  // namespace pk::sort::simd
