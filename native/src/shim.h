// Helpers shared by the shim's translation units (not part of the ABI): the error guard every entry point
// runs its body through, handle access and the live-handle counter.
#pragma once

#include "mlnetgan_torch.h"

#include <ATen/ATen.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#define MNG_API extern "C" __attribute__((visibility("default")))

namespace mng {

inline thread_local std::string last_error_message;

// Tensor handles handed out and not yet freed: lets tests prove that nothing leaks.
inline std::atomic<int64_t> live_tensor_handles{0};

template <typename Body>
inline int guarded(Body&& body) noexcept {
  try {
    body();
    return MNG_OK;
  } catch (const c10::Error& e) {
    last_error_message = e.what_without_backtrace();
  } catch (const std::exception& e) {
    last_error_message = e.what();
  } catch (...) {
    last_error_message = "unknown native error";
  }
  return MNG_ERROR;
}

inline const at::Tensor& ref(mng_tensor handle, const char* name) {
  if (handle == nullptr) {
    throw std::invalid_argument(std::string("tensor argument '") + name + "' is a null handle");
  }
  return *reinterpret_cast<at::Tensor*>(handle);
}

// Optional tensor arguments (bias, weight, ...) may legitimately be null.
inline c10::optional<at::Tensor> optional_ref(mng_tensor handle) {
  if (handle == nullptr) return c10::nullopt;
  return *reinterpret_cast<at::Tensor*>(handle);
}

template <typename T>
inline T* require_out(T* out) {
  if (out == nullptr) throw std::invalid_argument("output pointer is null");
  return out;
}

inline void put(mng_tensor* out, at::Tensor value) {
  *require_out(out) = reinterpret_cast<mng_tensor>(new at::Tensor(std::move(value)));
  live_tensor_handles.fetch_add(1, std::memory_order_relaxed);
}

inline std::vector<at::Tensor> tensor_list(const mng_tensor* handles, int count, const char* name) {
  if (count < 0 || (count > 0 && handles == nullptr)) throw std::invalid_argument(std::string("bad tensor list '") + name + "'");
  std::vector<at::Tensor> list;
  list.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) list.push_back(ref(handles[i], name));
  return list;
}

inline c10::IntArrayRef int_list(const int64_t* values, int count, const char* name) {
  if (count < 0 || (count > 0 && values == nullptr)) throw std::invalid_argument(std::string("bad integer list '") + name + "'");
  return c10::IntArrayRef(values, static_cast<size_t>(count));
}

// nn.Linear and 2-D matrix products: through oneDNN's GEMM where it applies (onednn_gemm.cpp), else libtorch's.
at::Tensor linear_fastest(const at::Tensor& input, const at::Tensor& weight, const c10::optional<at::Tensor>& bias);
at::Tensor mm_fastest(const at::Tensor& left, const at::Tensor& right);

}  // namespace mng
