// A caching CPU allocator registered with c10, so every CPU tensor libtorch allocates goes through it.
//
// Why: a training step frees and re-allocates the same tensor sizes every step. glibc hands large blocks
// back to the kernel (mmap/munmap, heap trimming), so each step pays page faults on fresh pages, which on
// virtual machines cost more than the arithmetic of out-of-place ops (docs/benchmarks.md). Telling glibc to
// keep everything (mallopt) fixes the speed but keeps one high-water mark per malloc arena, i.e. per thread
// that allocates (measured: +33 MB on a two-thread DCGAN step), and never gives memory back. This cache is
// shared by all threads, reuses a freed block for the next request of the same size class, is bounded, and
// `mng_cpu_empty_cache` hands every cached block back to the system (as torch.cuda.empty_cache does for GPUs).
//
// Blocks below kSmallest bytes go straight to malloc: glibc serves them from its heap without page faults.
#include "shim.h"

#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/alloc_cpu.h>

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>

using namespace mng;

namespace {

constexpr size_t kHeader = 64;             // keeps the data at c10's 64-byte alignment; holds the block's size
constexpr size_t kSmallest = 64 << 10;     // requests below 64 KiB are not cached
constexpr size_t kPage = 4 << 10;

// Rounds a request up to its size class: whole pages, and at most 1/8 wasted, so a tensor a little smaller
// than a freed one reuses it while the number of distinct classes stays small.
size_t size_class(size_t bytes) {
  if (bytes < kSmallest) return bytes;
  size_t step = kPage;
  while (step * 16 < bytes) step <<= 1;  // step is between 1/16 and 1/8 of the request
  return (bytes + step - 1) / step * step;
}

class CachingCpuAllocator final : public c10::Allocator {
 public:
  c10::DataPtr allocate(size_t bytes) const override {
    const size_t block = size_class(bytes) + kHeader;
    void* base = block - kHeader >= kSmallest ? take_cached(block) : nullptr;
    if (base == nullptr) base = c10::alloc_cpu(block);
    std::memcpy(base, &block, sizeof block);
    void* data = static_cast<char*>(base) + kHeader;
    return {data, data, &release, c10::Device(c10::DeviceType::CPU)};
  }

  c10::DeleterFnPtr raw_deleter() const override { return &release; }

  static void release(void* data) {
    if (data == nullptr) return;
    void* base = static_cast<char*>(data) - kHeader;
    size_t block;
    std::memcpy(&block, base, sizeof block);
    if (block - kHeader < kSmallest || !instance().keep(base, block)) c10::free_cpu(base);
  }

  // Never destroyed: libtorch frees tensors from its own static destructors at exit, after ours would run.
  static CachingCpuAllocator& instance() {
    static auto* allocator = new CachingCpuAllocator();
    return *allocator;
  }

  void empty() {
    std::unordered_map<size_t, std::vector<void*>> blocks;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      blocks.swap(free_);
      cached_ = 0;
    }
    for (auto& [size, list] : blocks) {
      for (void* base : list) c10::free_cpu(base);
    }
  }

  void stats(int64_t* cached, int64_t* limit) {
    std::lock_guard<std::mutex> lock(mutex_);
    *cached = static_cast<int64_t>(cached_);
    *limit = static_cast<int64_t>(limit_);
  }

  void set_limit(size_t limit) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      limit_ = limit;
      if (cached_ <= limit_) return;
    }
    empty();  // simplest way to get under a lowered limit; the next step refills what it uses
  }

 private:
  void* take_cached(size_t block) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = free_.find(block);
    if (found == free_.end() || found->second.empty()) return nullptr;
    void* base = found->second.back();
    found->second.pop_back();
    cached_ -= block;
    return base;
  }

  bool keep(void* base, size_t block) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (cached_ + block > limit_) return false;
    free_[block].push_back(base);
    cached_ += block;
    return true;
  }

  mutable std::mutex mutex_;
  mutable std::unordered_map<size_t, std::vector<void*>> free_;
  mutable size_t cached_ = 0;
  size_t limit_ = size_t{2} << 30;  // cached (free) bytes kept at most; the rest goes back to the system
};

bool caching_enabled = false;

// Registered when the shim loads, before any tensor of ours exists. Tensors allocated earlier keep their own
// deleter (c10's), so the switch is safe. MLNETGAN_MALLOC=system keeps c10's allocator.
__attribute__((constructor)) void register_caching_allocator() {
  const char* choice = std::getenv("MLNETGAN_MALLOC");
  if (choice != nullptr && std::strcmp(choice, "system") == 0) return;
  c10::SetCPUAllocator(&CachingCpuAllocator::instance(), /*priority=*/1);
  caching_enabled = true;
}

}  // namespace

MNG_API int mng_cpu_allocator_stats(int* caching, int64_t* cached_bytes, int64_t* limit_bytes) {
  return guarded([&] {
    *require_out(caching) = caching_enabled ? 1 : 0;
    CachingCpuAllocator::instance().stats(require_out(cached_bytes), require_out(limit_bytes));
  });
}

MNG_API int mng_cpu_empty_cache(void) {
  return guarded([&] { CachingCpuAllocator::instance().empty(); });
}

MNG_API int mng_cpu_set_cache_limit(int64_t limit_bytes) {
  return guarded([&] {
    if (limit_bytes < 0) throw std::invalid_argument("cache limit must be non-negative");
    CachingCpuAllocator::instance().set_limit(static_cast<size_t>(limit_bytes));
  });
}
