// The OpenBLAS anchor of the JS benchmark (bench/openblas.mjs): times cblas_sgemm / cblas_dgemm on the
// inputs the benchmark's child process pipes in, with the sampling policy the other rows of the run get
// from tinybench (bench/measure.mjs), and sends back the samples and the products for the JS checks.
//
//   pk_blas_anchor f32|f64 M K N MIN_SAMPLES MAX_SAMPLES TARGET_MS WARMUP_MS SLOW_MS SLOW_MIN_SAMPLES
//
// stdin: A (M×K) then B (K×N), row-major, native-endian elements of the type. stdout: one line of JSON
// (OpenBLAS's core and thread count, the first call's time, the samples in ms) padded with spaces to a
// multiple of 8 bytes, then C of the first call and C of the last sample, M×N elements each. OpenBLAS takes its thread count from OPENBLAS_NUM_THREADS.
// Each sample is one call, as each sample of a JS row is one call, so small shapes show the per-call cost.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <cblas.h>

extern "C" char* openblas_get_corename(void);
extern "C" int openblas_get_num_threads(void);

namespace {

struct Policy {
  size_t minSamples, maxSamples;
  double targetMs, warmupMs, slowMs;
  size_t slowMinSamples;
};

// tinybench's warmupIterations in bench/measure.mjs.
constexpr size_t kWarmupIterations = 10;
constexpr size_t kSampleCapPerMaxSample = 100;

bool parseCount(const char* text, size_t& out) {
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (end == text || *end != '\0' || v == 0) return false;
  out = size_t(v);
  return true;
}

bool parseMs(const char* text, double& out) {
  char* end = nullptr;
  out = std::strtod(text, &end);
  return end != text && *end == '\0' && out >= 0;
}

bool readAll(void* data, size_t bytes) {
  return std::fread(data, 1, bytes, stdin) == bytes;
}

bool writeAll(const void* data, size_t bytes) {
  return std::fwrite(data, 1, bytes, stdout) == bytes;
}

template <typename T>
void gemm(int m, int k, int n, const T* a, const T* b, T* c) {
  if constexpr (sizeof(T) == 4) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
  } else {
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0, a, k, b, n, 0.0, c, n);
  }
}

template <typename T>
int run(size_t m, size_t k, size_t n, const Policy& policy) {
  std::vector<T> a(m * k), b(k * n), first(m * n), c(m * n);
  if (!readAll(a.data(), a.size() * sizeof(T)) || !readAll(b.data(), b.size() * sizeof(T))) {
    std::fprintf(stderr, "pk_blas_anchor: stdin ended before A (%zux%zu) and B (%zux%zu) were read\n", m, k, k, n);
    return 1;
  }
  using Clock = std::chrono::steady_clock;
  const auto call = [&](T* out) {
    const auto start = Clock::now();
    gemm<T>(int(m), int(k), int(n), a.data(), b.data(), out);
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  };

  // As in measure.mjs: the first call decides whether the case is slow (fewer samples, no warm-up)
  // and how much sampling time the case can afford.
  const double firstMs = call(first.data());
  const bool slow = firstMs >= policy.slowMs;
  if (!slow) {
    double spent = 0;
    for (size_t i = 0; spent < policy.warmupMs || i < kWarmupIterations; ++i) spent += call(c.data());
  }
  const size_t minSamples = slow ? policy.slowMinSamples : policy.minSamples;
  const double budgetMs = std::min(policy.targetMs, double(policy.maxSamples) * firstMs);
  // The first call also starts OpenBLAS's threads, so on an 8x8x8 product the budget holds millions of
  // calls; past this many samples the median no longer moves, and results.json keeps every sample.
  const size_t sampleCap = std::max(minSamples, kSampleCapPerMaxSample * policy.maxSamples);
  std::vector<double> samples;
  for (double spent = 0; (spent < budgetMs || samples.size() < minSamples) && samples.size() < sampleCap;) {
    samples.push_back(call(c.data()));
    spent += samples.back();
  }

  std::string json = "{\"core\":\"";
  for (const char* p = openblas_get_corename(); p && *p; ++p) {
    if (*p != '"' && *p != '\\' && *p >= ' ') json += *p;
  }
  json += "\",\"threads\":" + std::to_string(openblas_get_num_threads());
  char number[32];
  std::snprintf(number, sizeof number, "%.17g", firstMs);
  json += ",\"firstMs\":" + std::string(number) + ",\"samplesMs\":[";
  for (size_t i = 0; i < samples.size(); ++i) {
    std::snprintf(number, sizeof number, "%s%.17g", i ? "," : "", samples[i]);
    json += number;
  }
  json += "]}";
  // Spaces up to a multiple of 8 bytes with the newline, so the products start aligned for their type
  // and the reader can view them in place.
  json.append((8 - (json.size() + 1) % 8) % 8, ' ');
  json += '\n';
  if (!writeAll(json.data(), json.size()) || !writeAll(first.data(), first.size() * sizeof(T)) ||
      !writeAll(c.data(), c.size() * sizeof(T)) || std::fflush(stdout) != 0) {
    std::fprintf(stderr, "pk_blas_anchor: writing the results to stdout failed\n");
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  size_t m = 0, k = 0, n = 0;
  Policy p{};
  if (argc != 11 || !parseCount(argv[2], m) || !parseCount(argv[3], k) || !parseCount(argv[4], n) ||
      !parseCount(argv[5], p.minSamples) || !parseCount(argv[6], p.maxSamples) || !parseMs(argv[7], p.targetMs) ||
      !parseMs(argv[8], p.warmupMs) || !parseMs(argv[9], p.slowMs) || !parseCount(argv[10], p.slowMinSamples)) {
    std::fprintf(stderr,
                 "usage: pk_blas_anchor f32|f64 M K N MIN_SAMPLES MAX_SAMPLES TARGET_MS WARMUP_MS SLOW_MS "
                 "SLOW_MIN_SAMPLES (A and B on stdin)\n");
    return 2;
  }
  // cblas takes int dimensions.
  constexpr size_t kMaxDim = 1u << 30;
  if (m > kMaxDim || k > kMaxDim || n > kMaxDim) {
    std::fprintf(stderr, "pk_blas_anchor: dimensions above %zu do not fit cblas's int\n", kMaxDim);
    return 2;
  }
  if (std::strcmp(argv[1], "f32") == 0) return run<float>(m, k, n, p);
  if (std::strcmp(argv[1], "f64") == 0) return run<double>(m, k, n, p);
  std::fprintf(stderr, "pk_blas_anchor: unknown type %s (f32, f64)\n", argv[1]);
  return 2;
}
