// Eigen's GEMM (gemm_bench_eigen.hpp), built with -O3 -march=native and OpenMP for its threads.
#include "gemm_bench_eigen.hpp"

#include <Eigen/Core>
#include <string>

namespace pk::bench {
namespace {

template <typename T>
using RowMajor = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

template <typename T>
void gemm(size_t m, size_t n, size_t k, const T* a, const T* b, T* c) {
  const Eigen::Map<const RowMajor<T>> A(a, Eigen::Index(m), Eigen::Index(k));
  const Eigen::Map<const RowMajor<T>> B(b, Eigen::Index(k), Eigen::Index(n));
  Eigen::Map<RowMajor<T>> C(c, Eigen::Index(m), Eigen::Index(n));
  C.noalias() = A * B;
}

}  // namespace

void eigenSetThreads(int threads) { Eigen::setNbThreads(threads); }

const char* eigenDescription() {
  static const std::string text = "Eigen " + std::to_string(EIGEN_WORLD_VERSION) + "." +
                                  std::to_string(EIGEN_MAJOR_VERSION) + "." + std::to_string(EIGEN_MINOR_VERSION) +
                                  ", -march=native (" + Eigen::SimdInstructionSetsInUse() + "), threads by OpenMP";
  return text.c_str();
}

void eigenGemm(size_t m, size_t n, size_t k, const float* a, const float* b, float* c) { gemm(m, n, k, a, b, c); }
void eigenGemm(size_t m, size_t n, size_t k, const double* a, const double* b, double* c) { gemm(m, n, k, a, b, c); }

}  // namespace pk::bench
