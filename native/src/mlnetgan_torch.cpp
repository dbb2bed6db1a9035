// Thin C ABI over libtorch. See include/mlnetgan_torch.h for the contract.
// Every entry point runs its body through `guarded`, which turns any C++
// exception into a status code plus a thread-local message.
#include "mlnetgan_torch.h"
#include "shim.h"

#include <torch/torch.h>

#include <ATen/Parallel.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

using namespace mng;

namespace {

at::ScalarType scalar_type(int code) {
  switch (code) {
    case 0: return at::kByte;
    case 1: return at::kChar;
    case 2: return at::kShort;
    case 3: return at::kInt;
    case 4: return at::kLong;
    case 6: return at::kFloat;
    case 7: return at::kDouble;
    case 11: return at::kBool;
    case 15: return at::kBFloat16;
    default: throw std::invalid_argument("unsupported dtype code " + std::to_string(code));
  }
}

at::Device device_of(int type, int index) {
  switch (type) {
    case 0: return at::Device(at::kCPU);
    case 1:
      if (!torch::cuda::is_available()) {
        throw std::runtime_error("CUDA device requested but this libtorch build has no CUDA support or no CUDA device is visible");
      }
      return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(index));
    default: throw std::invalid_argument("unsupported device type code " + std::to_string(type));
  }
}

at::TensorOptions options(int dtype, int device_type, int device_index, int requires_grad) {
  return at::TensorOptions().dtype(scalar_type(dtype)).device(device_of(device_type, device_index)).requires_grad(requires_grad != 0);
}

// Integral tensors take integral scalars, so that e.g. a Long counter can be incremented in place.
at::Scalar scalar_for(const at::Tensor& tensor, double value) {
  if (c10::isIntegralType(tensor.scalar_type(), /*includeBool=*/false) && value == static_cast<double>(static_cast<int64_t>(value))) {
    return at::Scalar(static_cast<int64_t>(value));
  }
  return at::Scalar(value);
}

c10::optional<at::Generator> generator_ref(mng_generator handle) {
  if (handle == nullptr) return c10::nullopt;
  return *reinterpret_cast<at::Generator*>(handle);
}

// The generator behind a handle; null means libtorch's global CPU generator (weight initialization, dropout).
at::Generator generator_or_global(mng_generator handle) {
  return generator_ref(handle).value_or(at::detail::getDefaultCPUGenerator());
}

}  // namespace

// ---------------------------------------------------------------- runtime --

MNG_API const char* mng_last_error(void) { return last_error_message.c_str(); }

MNG_API int mng_manual_seed(uint64_t seed) {
  return guarded([&] { torch::manual_seed(seed); });
}

MNG_API int mng_set_num_threads(int threads) {
  return guarded([&] {
    if (threads < 1) throw std::invalid_argument("thread count must be at least 1");
    at::set_num_threads(threads);
  });
}

MNG_API int mng_get_num_threads(int* out) {
  return guarded([&] { *require_out(out) = at::get_num_threads(); });
}

MNG_API int mng_cuda_is_available(int* out) {
  return guarded([&] { *require_out(out) = torch::cuda::is_available() ? 1 : 0; });
}

MNG_API int mng_cuda_device_count(int* out) {
  return guarded([&] { *require_out(out) = static_cast<int>(torch::cuda::device_count()); });
}

MNG_API int mng_set_grad_enabled(int enabled, int* previous) {
  return guarded([&] {
    *require_out(previous) = at::GradMode::is_enabled() ? 1 : 0;
    at::GradMode::set_enabled(enabled != 0);
  });
}

MNG_API int mng_inference_mode_enter(mng_guard* out) {
  return guarded([&] { *require_out(out) = reinterpret_cast<mng_guard>(new c10::InferenceMode(true)); });
}

MNG_API int mng_inference_mode_exit(mng_guard guard) {
  return guarded([&] {
    if (guard == nullptr) throw std::invalid_argument("inference-mode guard is null");
    delete reinterpret_cast<c10::InferenceMode*>(guard);
  });
}

MNG_API int mng_generator_new(uint64_t seed, mng_generator* out) {
  return guarded([&] {
    auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    *require_out(out) = reinterpret_cast<mng_generator>(new at::Generator(std::move(generator)));
  });
}

MNG_API void mng_generator_free(mng_generator generator) { delete reinterpret_cast<at::Generator*>(generator); }

// A generator's full state as a byte tensor (libtorch's own format), for checkpoints. A null handle
// means libtorch's global CPU generator.
MNG_API int mng_generator_get_state(mng_generator generator, mng_tensor* out) {
  return guarded([&] {
    auto g = generator_or_global(generator);
    std::lock_guard<std::mutex> lock(g.mutex());
    put(out, g.get_state());
  });
}

MNG_API int mng_generator_set_state(mng_generator generator, mng_tensor state) {
  return guarded([&] {
    auto g = generator_or_global(generator);
    const auto& bytes = ref(state, "state");
    std::lock_guard<std::mutex> lock(g.mutex());
    g.set_state(bytes);  // libtorch validates size and type and throws on a wrong state
  });
}

// -------------------------------------------------------- tensor lifecycle --

MNG_API void mng_tensor_free(mng_tensor tensor) {
  if (tensor == nullptr) return;
  delete reinterpret_cast<at::Tensor*>(tensor);
  live_tensor_handles.fetch_sub(1, std::memory_order_relaxed);
}

MNG_API int64_t mng_live_tensor_count(void) { return live_tensor_handles.load(std::memory_order_relaxed); }

MNG_API int mng_tensor_from_data(const void* data, int64_t byte_count, int dtype, const int64_t* shape, int ndim, mng_tensor* out) {
  return guarded([&] {
    auto sizes = int_list(shape, ndim, "shape");
    auto type = scalar_type(dtype);
    int64_t numel = c10::multiply_integers(sizes);
    int64_t expected = numel * static_cast<int64_t>(c10::elementSize(type));
    if (byte_count != expected) {
      throw std::invalid_argument("buffer holds " + std::to_string(byte_count) + " bytes but shape " + c10::str(sizes) + " of " +
                                  c10::toString(type) + " needs " + std::to_string(expected));
    }
    auto tensor = at::empty(sizes, at::TensorOptions().dtype(type));
    if (expected > 0) {
      if (data == nullptr) throw std::invalid_argument("data pointer is null");
      std::memcpy(tensor.data_ptr(), data, static_cast<size_t>(expected));
    }
    put(out, std::move(tensor));
  });
}

MNG_API int mng_tensor_copy_to(mng_tensor tensor, void* destination, int64_t byte_count, int dtype) {
  return guarded([&] {
    const auto& t = ref(tensor, "tensor");
    auto type = scalar_type(dtype);
    if (t.scalar_type() != type) {
      throw std::invalid_argument(std::string("tensor has dtype ") + c10::toString(t.scalar_type()) + " but the destination is " + c10::toString(type));
    }
    int64_t needed = t.numel() * static_cast<int64_t>(t.element_size());
    if (byte_count != needed) {
      throw std::invalid_argument("destination holds " + std::to_string(byte_count) + " bytes but the tensor has " + std::to_string(needed));
    }
    if (needed == 0) return;
    if (destination == nullptr) throw std::invalid_argument("destination pointer is null");
    auto dense = t.detach().to(at::kCPU).contiguous();
    std::memcpy(destination, dense.data_ptr(), static_cast<size_t>(needed));
  });
}

// Lets a caller fill a tensor in pieces (rows streamed from a data view) without staging the whole
// payload in managed memory first.
MNG_API int mng_tensor_write_at(mng_tensor tensor, const void* source, int64_t byte_count, int64_t byte_offset, int dtype) {
  return guarded([&] {
    auto& t = ref(tensor, "tensor");
    auto type = scalar_type(dtype);
    if (t.scalar_type() != type) {
      throw std::invalid_argument(std::string("tensor has dtype ") + c10::toString(t.scalar_type()) + " but the source is " + c10::toString(type));
    }
    if (!t.device().is_cpu() || !t.is_contiguous()) throw std::invalid_argument("tensor must be a contiguous CPU tensor");
    const int64_t size = t.numel() * static_cast<int64_t>(t.element_size());
    if (byte_count < 0 || byte_offset < 0 || byte_offset > size || byte_count > size - byte_offset) {
      throw std::invalid_argument("writing " + std::to_string(byte_count) + " bytes at offset " + std::to_string(byte_offset) +
                                  " overruns the tensor's " + std::to_string(size) + " bytes");
    }
    if (byte_count == 0) return;
    if (source == nullptr) throw std::invalid_argument("source pointer is null");
    std::memcpy(static_cast<char*>(t.data_ptr()) + byte_offset, source, static_cast<size_t>(byte_count));
  });
}

MNG_API int mng_tensor_ndim(mng_tensor tensor, int* out) {
  return guarded([&] { *require_out(out) = static_cast<int>(ref(tensor, "tensor").dim()); });
}

MNG_API int mng_tensor_shape(mng_tensor tensor, int64_t* out, int capacity) {
  return guarded([&] {
    const auto& t = ref(tensor, "tensor");
    if (capacity < t.dim()) throw std::invalid_argument("shape buffer too small");
    for (int64_t i = 0; i < t.dim(); ++i) require_out(out)[i] = t.size(i);
  });
}

MNG_API int mng_tensor_dtype(mng_tensor tensor, int* out) {
  return guarded([&] { *require_out(out) = static_cast<int>(ref(tensor, "tensor").scalar_type()); });
}

MNG_API int mng_tensor_numel(mng_tensor tensor, int64_t* out) {
  return guarded([&] { *require_out(out) = ref(tensor, "tensor").numel(); });
}

MNG_API int mng_tensor_device(mng_tensor tensor, int* type, int* index) {
  return guarded([&] {
    auto device = ref(tensor, "tensor").device();
    *require_out(type) = device.is_cuda() ? 1 : 0;
    *require_out(index) = device.index();
  });
}

MNG_API int mng_tensor_requires_grad(mng_tensor tensor, int* out) {
  return guarded([&] { *require_out(out) = ref(tensor, "tensor").requires_grad() ? 1 : 0; });
}

MNG_API int mng_tensor_set_requires_grad(mng_tensor tensor, int value) {
  return guarded([&] { ref(tensor, "tensor").set_requires_grad(value != 0); });
}

// A tensor without a gradient yields *out == nullptr (the binding maps it to null).
MNG_API int mng_tensor_grad(mng_tensor tensor, mng_tensor* out) {
  return guarded([&] {
    const auto& grad = ref(tensor, "tensor").grad();
    if (grad.defined()) put(out, grad);
    else *require_out(out) = nullptr;
  });
}

MNG_API int mng_tensor_clear_grad(mng_tensor tensor) {
  return guarded([&] { ref(tensor, "tensor").mutable_grad().reset(); });
}

MNG_API int mng_tensor_item(mng_tensor tensor, double* out) {
  return guarded([&] { *require_out(out) = ref(tensor, "tensor").item<double>(); });
}

MNG_API int mng_tensor_item_int64(mng_tensor tensor, int64_t* out) {
  return guarded([&] { *require_out(out) = ref(tensor, "tensor").item<int64_t>(); });
}

MNG_API int mng_tensor_to(mng_tensor tensor, int device_type, int device_index, int dtype, mng_tensor* out) {
  return guarded([&] {
    const auto& t = ref(tensor, "tensor");
    auto type = dtype < 0 ? t.scalar_type() : scalar_type(dtype);
    put(out, t.to(device_of(device_type, device_index), type));
  });
}

// ---------------------------------------------------------------- factories --

MNG_API int mng_zeros(const int64_t* shape, int ndim, int dtype, int device_type, int device_index, int requires_grad, mng_tensor* out) {
  return guarded([&] { put(out, at::zeros(int_list(shape, ndim, "shape"), options(dtype, device_type, device_index, requires_grad))); });
}

MNG_API int mng_ones(const int64_t* shape, int ndim, int dtype, int device_type, int device_index, int requires_grad, mng_tensor* out) {
  return guarded([&] { put(out, at::ones(int_list(shape, ndim, "shape"), options(dtype, device_type, device_index, requires_grad))); });
}

MNG_API int mng_full(const int64_t* shape, int ndim, double value, int dtype, int device_type, int device_index, int requires_grad, mng_tensor* out) {
  return guarded([&] { put(out, at::full(int_list(shape, ndim, "shape"), value, options(dtype, device_type, device_index, requires_grad))); });
}

MNG_API int mng_rand(const int64_t* shape, int ndim, int dtype, int device_type, int device_index, mng_generator generator, mng_tensor* out) {
  return guarded([&] { put(out, at::rand(int_list(shape, ndim, "shape"), generator_ref(generator), options(dtype, device_type, device_index, 0))); });
}

MNG_API int mng_randn(const int64_t* shape, int ndim, int dtype, int device_type, int device_index, mng_generator generator, mng_tensor* out) {
  return guarded([&] { put(out, at::randn(int_list(shape, ndim, "shape"), generator_ref(generator), options(dtype, device_type, device_index, 0))); });
}

MNG_API int mng_randint(int64_t low, int64_t high, const int64_t* shape, int ndim, mng_generator generator, mng_tensor* out) {
  return guarded([&] { put(out, at::randint(low, high, int_list(shape, ndim, "shape"), generator_ref(generator), at::TensorOptions().dtype(at::kLong))); });
}

MNG_API int mng_randperm(int64_t n, mng_generator generator, mng_tensor* out) {
  return guarded([&] { put(out, at::randperm(n, generator_ref(generator), at::TensorOptions().dtype(at::kLong))); });
}

MNG_API int mng_arange(double start, double end, double step, int dtype, mng_tensor* out) {
  return guarded([&] { put(out, at::arange(start, end, step, at::TensorOptions().dtype(scalar_type(dtype)))); });
}

MNG_API int mng_linspace(double start, double end, int64_t steps, int dtype, mng_tensor* out) {
  return guarded([&] { put(out, at::linspace(start, end, steps, at::TensorOptions().dtype(scalar_type(dtype)))); });
}

// ------------------------------------------------------------ element-wise --

#define MNG_UNARY(name, expression)                                       \
  MNG_API int mng_##name(mng_tensor input, mng_tensor* out) {             \
    return guarded([&] {                                                  \
      const auto& x = ref(input, "input");                                \
      put(out, expression);                                               \
    });                                                                   \
  }

MNG_UNARY(clone, x.clone())
MNG_UNARY(detach, x.detach())
MNG_UNARY(contiguous, x.contiguous())
MNG_UNARY(neg, at::neg(x))
MNG_UNARY(abs, at::abs(x))
MNG_UNARY(relu, at::relu(x))
MNG_UNARY(tanh, at::tanh(x))
MNG_UNARY(sigmoid, at::sigmoid(x))
MNG_UNARY(log, at::log(x))
MNG_UNARY(exp, at::exp(x))
MNG_UNARY(sqrt, at::sqrt(x))
MNG_UNARY(rsqrt, at::rsqrt(x))
MNG_UNARY(square, at::square(x))
MNG_UNARY(sign, at::sign(x))
MNG_UNARY(sin, at::sin(x))
MNG_UNARY(cos, at::cos(x))
MNG_UNARY(floor, at::floor(x))
MNG_UNARY(round, at::round(x))
MNG_UNARY(log_sigmoid, at::log_sigmoid(x))
MNG_UNARY(sum, at::sum(x))
MNG_UNARY(mean, at::mean(x))
MNG_UNARY(max_all, at::max(x))
MNG_UNARY(min_all, at::min(x))
MNG_UNARY(t, x.t())
MNG_UNARY(zeros_like, at::zeros_like(x))
MNG_UNARY(ones_like, at::ones_like(x))
MNG_UNARY(randn_like, at::randn_like(x))
MNG_UNARY(rand_like, at::rand_like(x))

#define MNG_BINARY(name, expression)                                      \
  MNG_API int mng_##name(mng_tensor left, mng_tensor right, mng_tensor* out) { \
    return guarded([&] {                                                  \
      const auto& a = ref(left, "left");                                  \
      const auto& b = ref(right, "right");                                \
      put(out, expression);                                               \
    });                                                                   \
  }

MNG_BINARY(mul, at::mul(a, b))
MNG_BINARY(div, at::div(a, b))
MNG_BINARY(pow, at::pow(a, b))
MNG_BINARY(matmul, a.dim() == 2 && b.dim() == 2 ? mm_fastest(a, b) : at::matmul(a, b))
MNG_BINARY(maximum, at::maximum(a, b))
MNG_BINARY(minimum, at::minimum(a, b))
MNG_BINARY(eq, at::eq(a, b))
MNG_BINARY(ne, at::ne(a, b))
MNG_BINARY(lt, at::lt(a, b))
MNG_BINARY(le, at::le(a, b))
MNG_BINARY(gt, at::gt(a, b))
MNG_BINARY(ge, at::ge(a, b))

MNG_API int mng_add(mng_tensor left, mng_tensor right, double alpha, mng_tensor* out) {
  return guarded([&] { put(out, at::add(ref(left, "left"), ref(right, "right"), alpha)); });
}

MNG_API int mng_sub(mng_tensor left, mng_tensor right, double alpha, mng_tensor* out) {
  return guarded([&] { put(out, at::sub(ref(left, "left"), ref(right, "right"), alpha)); });
}

#define MNG_SCALAR(name, expression)                                      \
  MNG_API int mng_##name(mng_tensor input, double value, mng_tensor* out) { \
    return guarded([&] {                                                  \
      const auto& x = ref(input, "input");                                \
      const auto s = scalar_for(x, value);                                \
      put(out, expression);                                               \
    });                                                                   \
  }

MNG_SCALAR(add_scalar, at::add(x, s))
MNG_SCALAR(sub_scalar, at::sub(x, s))
MNG_SCALAR(rsub_scalar, at::rsub(x, s))
MNG_SCALAR(mul_scalar, at::mul(x, s))
MNG_SCALAR(div_scalar, at::div(x, s))
MNG_SCALAR(rdiv_scalar, at::mul(at::reciprocal(x), value))
MNG_SCALAR(pow_scalar, at::pow(x, s))
MNG_SCALAR(eq_scalar, at::eq(x, s))
MNG_SCALAR(lt_scalar, at::lt(x, s))
MNG_SCALAR(le_scalar, at::le(x, s))
MNG_SCALAR(gt_scalar, at::gt(x, s))
MNG_SCALAR(ge_scalar, at::ge(x, s))
MNG_SCALAR(leaky_relu, at::leaky_relu(x, value))

#define MNG_DIM(name, expression)                                         \
  MNG_API int mng_##name(mng_tensor input, int64_t dim, mng_tensor* out) { \
    return guarded([&] {                                                  \
      const auto& x = ref(input, "input");                                \
      put(out, expression);                                               \
    });                                                                   \
  }

MNG_DIM(softmax, at::softmax(x, dim))
MNG_DIM(log_softmax, at::log_softmax(x, dim))
MNG_DIM(squeeze, at::squeeze(x, dim))
MNG_DIM(unsqueeze, at::unsqueeze(x, dim))

MNG_API int mng_softplus(mng_tensor input, double beta, double threshold, mng_tensor* out) {
  return guarded([&] { put(out, at::softplus(ref(input, "input"), beta, threshold)); });
}

// has_min / has_max select one-sided clamps, as torch.clamp(min=None, max=...) does.
MNG_API int mng_clamp(mng_tensor input, int has_min, double min, int has_max, double max, mng_tensor* out) {
  return guarded([&] {
    c10::optional<at::Scalar> lo = has_min ? c10::optional<at::Scalar>(min) : c10::nullopt;
    c10::optional<at::Scalar> hi = has_max ? c10::optional<at::Scalar>(max) : c10::nullopt;
    put(out, at::clamp(ref(input, "input"), lo, hi));
  });
}

MNG_API int mng_where(mng_tensor condition, mng_tensor left, mng_tensor right, mng_tensor* out) {
  return guarded([&] { put(out, at::where(ref(condition, "condition"), ref(left, "left"), ref(right, "right"))); });
}

MNG_API int mng_to_dtype(mng_tensor input, int dtype, mng_tensor* out) {
  return guarded([&] { put(out, ref(input, "input").to(scalar_type(dtype))); });
}

// -------------------------------------------------------------- reductions --

MNG_API int mng_sum_dims(mng_tensor input, const int64_t* dims, int ndims, int keepdim, mng_tensor* out) {
  return guarded([&] { put(out, at::sum(ref(input, "input"), int_list(dims, ndims, "dims"), keepdim != 0)); });
}

MNG_API int mng_mean_dims(mng_tensor input, const int64_t* dims, int ndims, int keepdim, mng_tensor* out) {
  return guarded([&] { put(out, at::mean(ref(input, "input"), int_list(dims, ndims, "dims"), keepdim != 0)); });
}

MNG_API int mng_var_dims(mng_tensor input, const int64_t* dims, int ndims, int unbiased, int keepdim, mng_tensor* out) {
  return guarded([&] { put(out, at::var(ref(input, "input"), int_list(dims, ndims, "dims"), unbiased != 0, keepdim != 0)); });
}

MNG_API int mng_norm_dims(mng_tensor input, double p, const int64_t* dims, int ndims, int keepdim, mng_tensor* out) {
  return guarded([&] { put(out, at::norm(ref(input, "input"), p, int_list(dims, ndims, "dims"), keepdim != 0)); });
}

MNG_API int mng_logsumexp(mng_tensor input, const int64_t* dims, int ndims, int keepdim, mng_tensor* out) {
  return guarded([&] { put(out, at::logsumexp(ref(input, "input"), int_list(dims, ndims, "dims"), keepdim != 0)); });
}

MNG_API int mng_max_dim(mng_tensor input, int64_t dim, int keepdim, mng_tensor* values, mng_tensor* indices) {
  return guarded([&] {
    auto result = at::max(ref(input, "input"), dim, keepdim != 0);
    require_out(indices);
    put(values, std::get<0>(result));
    put(indices, std::get<1>(result));
  });
}

MNG_API int mng_min_dim(mng_tensor input, int64_t dim, int keepdim, mng_tensor* values, mng_tensor* indices) {
  return guarded([&] {
    auto result = at::min(ref(input, "input"), dim, keepdim != 0);
    require_out(indices);
    put(values, std::get<0>(result));
    put(indices, std::get<1>(result));
  });
}

MNG_API int mng_argmax(mng_tensor input, int64_t dim, int keepdim, mng_tensor* out) {
  return guarded([&] { put(out, at::argmax(ref(input, "input"), dim, keepdim != 0)); });
}

MNG_API int mng_cdist(mng_tensor left, mng_tensor right, double p, mng_tensor* out) {
  return guarded([&] { put(out, at::cdist(ref(left, "left"), ref(right, "right"), p)); });
}

// ------------------------------------------------------------------- shape --

MNG_API int mng_reshape(mng_tensor input, const int64_t* shape, int ndim, mng_tensor* out) {
  return guarded([&] { put(out, at::reshape(ref(input, "input"), int_list(shape, ndim, "shape"))); });
}

MNG_API int mng_view(mng_tensor input, const int64_t* shape, int ndim, mng_tensor* out) {
  return guarded([&] { put(out, ref(input, "input").view(int_list(shape, ndim, "shape"))); });
}

MNG_API int mng_expand(mng_tensor input, const int64_t* shape, int ndim, mng_tensor* out) {
  return guarded([&] { put(out, ref(input, "input").expand(int_list(shape, ndim, "shape"))); });
}

MNG_API int mng_permute(mng_tensor input, const int64_t* dims, int ndim, mng_tensor* out) {
  return guarded([&] { put(out, ref(input, "input").permute(int_list(dims, ndim, "dims"))); });
}

MNG_API int mng_repeat(mng_tensor input, const int64_t* repeats, int ndim, mng_tensor* out) {
  return guarded([&] { put(out, ref(input, "input").repeat(int_list(repeats, ndim, "repeats"))); });
}

MNG_API int mng_flatten(mng_tensor input, int64_t start_dim, int64_t end_dim, mng_tensor* out) {
  return guarded([&] { put(out, at::flatten(ref(input, "input"), start_dim, end_dim)); });
}

MNG_API int mng_transpose(mng_tensor input, int64_t dim0, int64_t dim1, mng_tensor* out) {
  return guarded([&] { put(out, at::transpose(ref(input, "input"), dim0, dim1)); });
}

MNG_API int mng_narrow(mng_tensor input, int64_t dim, int64_t start, int64_t length, mng_tensor* out) {
  return guarded([&] { put(out, at::narrow(ref(input, "input"), dim, start, length)); });
}

MNG_API int mng_select(mng_tensor input, int64_t dim, int64_t index, mng_tensor* out) {
  return guarded([&] { put(out, at::select(ref(input, "input"), dim, index)); });
}

MNG_API int mng_index_select(mng_tensor input, int64_t dim, mng_tensor index, mng_tensor* out) {
  return guarded([&] { put(out, at::index_select(ref(input, "input"), dim, ref(index, "index"))); });
}

MNG_API int mng_gather(mng_tensor input, int64_t dim, mng_tensor index, mng_tensor* out) {
  return guarded([&] { put(out, at::gather(ref(input, "input"), dim, ref(index, "index"))); });
}

MNG_API int mng_cat(const mng_tensor* inputs, int count, int64_t dim, mng_tensor* out) {
  return guarded([&] { put(out, at::cat(tensor_list(inputs, count, "inputs"), dim)); });
}

MNG_API int mng_stack(const mng_tensor* inputs, int count, int64_t dim, mng_tensor* out) {
  return guarded([&] { put(out, at::stack(tensor_list(inputs, count, "inputs"), dim)); });
}

MNG_API int mng_one_hot(mng_tensor input, int64_t num_classes, mng_tensor* out) {
  return guarded([&] { put(out, at::one_hot(ref(input, "input"), num_classes)); });
}

// ---------------------------------------------------------- neural network --

MNG_API int mng_linear(mng_tensor input, mng_tensor weight, mng_tensor bias, mng_tensor* out) {
  return guarded([&] { put(out, linear_fastest(ref(input, "input"), ref(weight, "weight"), optional_ref(bias))); });
}

MNG_API int mng_conv2d(mng_tensor input, mng_tensor weight, mng_tensor bias, const int64_t* stride, const int64_t* padding,
                       const int64_t* dilation, int64_t groups, mng_tensor* out) {
  return guarded([&] {
    put(out, at::conv2d(ref(input, "input"), ref(weight, "weight"), optional_ref(bias), int_list(stride, 2, "stride"),
                        int_list(padding, 2, "padding"), int_list(dilation, 2, "dilation"), groups));
  });
}

namespace {

// Whether transposed convolutions take the faster exact formulations below (tests switch it off to
// compare against libtorch's own operator).
std::atomic<bool> conv_transpose_rewrites{true};

// libtorch 1.13 runs ConvTranspose2d on the CPU through slow_conv_transpose2d (im2col + GEMM, and a
// backward that loops over the batch), while oneDNN's convolution kernels are several times faster on
// AVX-512. A transposed convolution is the input-gradient of a convolution with the same weight, so:
//   forward   y  = conv_backward_data(x)               (oneDNN backward-data of conv2d)
//   grad x    gx = conv2d(gy, W)                         (oneDNN forward)
//   grad W    gW = conv_backward_weight(input gy, grad x) (oneDNN backward-weights)
// Exact in real arithmetic; float results differ from libtorch's op by rounding only (tests check both
// values and gradients against it). The backward is built from differentiable ops, so double backward works.
//
// With few output channels (an image's 1 or 3) oneDNN's backward-data is slower than libtorch's own forward (im2col +
// GEMM: 0.96 ms against 4.9 ms for a DCGAN's 128->1 output layer at batch 128), while libtorch's backward, which loops
// over the batch, is the slow part (7 ms against 1.6 ms for the two oneDNN passes above). Such layers keep libtorch's
// forward (libtorch_forward) and take this backward.
struct OneDnnConvTranspose2d : public torch::autograd::Function<OneDnnConvTranspose2d> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& input, const at::Tensor& weight,
                            std::vector<int64_t> stride, std::vector<int64_t> padding, std::vector<int64_t> output_padding,
                            bool libtorch_forward) {
    ctx->save_for_backward({input, weight});
    ctx->saved_data["stride"] = stride;
    ctx->saved_data["padding"] = padding;
    if (libtorch_forward) return at::conv_transpose2d(input, weight, {}, stride, padding, output_padding);
    const auto k_h = weight.size(2), k_w = weight.size(3);
    const auto out_h = (input.size(2) - 1) * stride[0] - 2 * padding[0] + k_h + output_padding[0];
    const auto out_w = (input.size(3) - 1) * stride[1] - 2 * padding[1] + k_w + output_padding[1];
    // Backward-data reads only the sizes of the convolution's input; this tensor is never written or read.
    auto shape_of_output = at::empty({input.size(0), weight.size(1), out_h, out_w}, input.options());
    return std::get<0>(at::convolution_backward(input.contiguous(), shape_of_output, weight, c10::nullopt, stride, padding, {1, 1}, false, {0, 0}, 1,
                                                {true, false, false}));
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::tensor_list grads) {
    auto saved = ctx->get_saved_variables();
    const auto& input = saved[0];
    const auto& weight = saved[1];
    auto stride = ctx->saved_data["stride"].toIntVector();
    auto padding = ctx->saved_data["padding"].toIntVector();
    auto grad = grads[0].contiguous();
    at::Tensor grad_input, grad_weight;
    if (ctx->needs_input_grad(0)) grad_input = at::conv2d(grad, weight, {}, stride, padding);
    if (ctx->needs_input_grad(1)) {
      grad_weight = std::get<1>(at::convolution_backward(input, grad, weight, c10::nullopt, stride, padding, {1, 1}, false, {0, 0}, 1,
                                                         {false, true, false}));
    }
    return {grad_input, grad_weight, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

at::Tensor conv_transpose2d_fastest(const at::Tensor& input, const at::Tensor& weight, const c10::optional<at::Tensor>& bias,
                                    c10::IntArrayRef stride, c10::IntArrayRef padding, c10::IntArrayRef output_padding, int64_t groups,
                                    c10::IntArrayRef dilation) {
  // libtorch 1.13 has no working bfloat16 transposed convolution on the CPU (see below), so bfloat16 takes the
  // rewrite even when the switch asks for libtorch's operator.
  const bool rewrite = conv_transpose_rewrites.load(std::memory_order_relaxed) || input.scalar_type() == at::kBFloat16;
  const bool plain = rewrite && input.dim() == 4 && weight.dim() == 4 &&
                     input.device().is_cpu() && (input.scalar_type() == at::kFloat || input.scalar_type() == at::kDouble || input.scalar_type() == at::kBFloat16) && weight.scalar_type() == input.scalar_type() &&
                     groups == 1 && dilation[0] == 1 && dilation[1] == 1 && input.size(1) == weight.size(0);
  if (!plain) return at::conv_transpose2d(input, weight, bias, stride, padding, output_padding, groups, dilation);
  const auto batch = input.size(0), in_channels = weight.size(0), out_channels = weight.size(1);
  at::Tensor output;
  if (input.size(2) == 1 && input.size(3) == 1 && padding[0] == 0 && padding[1] == 0 && output_padding[0] == 0 && output_padding[1] == 0) {
    // A 1x1 input (a DCGAN generator's first layer) is a matrix product: each latent vector scales the kernel.
    output = mm_fastest(input.reshape({batch, in_channels}), weight.reshape({in_channels, -1})).view({batch, out_channels, weight.size(2), weight.size(3)});
  } else if ((in_channels >= 8 && out_channels >= 8) || input.scalar_type() == at::kBFloat16) {
    // libtorch 1.13 has no bfloat16 path of its own (slow_conv_transpose2d lacks the kernel and the
    // oneDNN dispatch misreads the transposed weight), so bfloat16 always takes this one.
    output = OneDnnConvTranspose2d::apply(input, weight, stride.vec(), padding.vec(), output_padding.vec(), false);
  } else if (in_channels >= 8) {
    // An RGB or gray output layer: libtorch's forward, oneDNN's backward (see OneDnnConvTranspose2d).
    output = OneDnnConvTranspose2d::apply(input, weight, stride.vec(), padding.vec(), output_padding.vec(), true);
  } else {
    return at::conv_transpose2d(input, weight, bias, stride, padding, output_padding, groups, dilation);
  }
  if (bias.has_value() && bias->defined()) output = output + bias->view({1, out_channels, 1, 1});
  return output;
}

}  // namespace

MNG_API int mng_set_conv_transpose_rewrites(int enabled) {
  return guarded([&] { conv_transpose_rewrites.store(enabled != 0); });
}

MNG_API int mng_cpu_has_native_bfloat16(int* out) {
  return guarded([&] {
    __builtin_cpu_init();
    *require_out(out) = (__builtin_cpu_supports("avx512bf16") || __builtin_cpu_supports("amx-bf16")) ? 1 : 0;
  });
}

MNG_API int mng_conv_transpose2d(mng_tensor input, mng_tensor weight, mng_tensor bias, const int64_t* stride, const int64_t* padding,
                                 const int64_t* output_padding, int64_t groups, const int64_t* dilation, mng_tensor* out) {
  return guarded([&] {
    put(out, conv_transpose2d_fastest(ref(input, "input"), ref(weight, "weight"), optional_ref(bias), int_list(stride, 2, "stride"),
                                      int_list(padding, 2, "padding"), int_list(output_padding, 2, "output_padding"), groups,
                                      int_list(dilation, 2, "dilation")));
  });
}

// Running statistics are updated in place when training, as torch.nn.functional.batch_norm does.
MNG_API int mng_batch_norm(mng_tensor input, mng_tensor weight, mng_tensor bias, mng_tensor running_mean, mng_tensor running_var,
                           int training, double momentum, double eps, mng_tensor* out) {
  return guarded([&] {
    put(out, at::batch_norm(ref(input, "input"), optional_ref(weight), optional_ref(bias), optional_ref(running_mean),
                            optional_ref(running_var), training != 0, momentum, eps, /*cudnn_enabled=*/true));
  });
}

// With a generator, the steps of libtorch 1.13's CPU dropout (_dropout_impl) with the mask drawn from
// it: the same draws in the same order, so a generator in the global one's state gives the same result.
MNG_API int mng_dropout(mng_tensor input, double p, int training, mng_generator generator, mng_tensor* out) {
  return guarded([&] {
    const auto& x = ref(input, "input");
    if (generator == nullptr) {
      put(out, at::dropout(x, p, training != 0));
      return;
    }
    TORCH_CHECK(p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got ", p);
    if (p == 0 || training == 0 || x.numel() == 0) {
      put(out, x);
      return;
    }
    if (p == 1) {
      put(out, x.mul(at::zeros({}, x.options())));
      return;
    }
    auto noise = at::empty_like(x, at::MemoryFormat::Contiguous);
    noise.bernoulli_(1 - p, generator_ref(generator));
    noise.div_(1 - p);
    put(out, x.mul(noise));
  });
}

MNG_API int mng_embedding(mng_tensor weight, mng_tensor indices, mng_tensor* out) {
  return guarded([&] { put(out, at::embedding(ref(weight, "weight"), ref(indices, "indices"))); });
}

MNG_API int mng_max_pool2d(mng_tensor input, const int64_t* kernel, const int64_t* stride, const int64_t* padding, mng_tensor* out) {
  return guarded([&] {
    put(out, at::max_pool2d(ref(input, "input"), int_list(kernel, 2, "kernel"), int_list(stride, 2, "stride"), int_list(padding, 2, "padding")));
  });
}

MNG_API int mng_avg_pool2d(mng_tensor input, const int64_t* kernel, const int64_t* stride, const int64_t* padding, mng_tensor* out) {
  return guarded([&] {
    put(out, at::avg_pool2d(ref(input, "input"), int_list(kernel, 2, "kernel"), int_list(stride, 2, "stride"), int_list(padding, 2, "padding")));
  });
}

MNG_API int mng_adaptive_avg_pool2d(mng_tensor input, const int64_t* output_size, mng_tensor* out) {
  return guarded([&] { put(out, at::adaptive_avg_pool2d(ref(input, "input"), int_list(output_size, 2, "output_size"))); });
}

// reduction: 0 none, 1 mean, 2 sum (at::Reduction values).
MNG_API int mng_binary_cross_entropy(mng_tensor input, mng_tensor target, mng_tensor weight, int reduction, mng_tensor* out) {
  return guarded([&] { put(out, at::binary_cross_entropy(ref(input, "input"), ref(target, "target"), optional_ref(weight), reduction)); });
}

MNG_API int mng_binary_cross_entropy_with_logits(mng_tensor input, mng_tensor target, mng_tensor weight, mng_tensor pos_weight,
                                                 int reduction, mng_tensor* out) {
  return guarded([&] {
    put(out, at::binary_cross_entropy_with_logits(ref(input, "input"), ref(target, "target"), optional_ref(weight),
                                                  optional_ref(pos_weight), reduction));
  });
}

MNG_API int mng_mse_loss(mng_tensor input, mng_tensor target, int reduction, mng_tensor* out) {
  return guarded([&] { put(out, at::mse_loss(ref(input, "input"), ref(target, "target"), reduction)); });
}

MNG_API int mng_l1_loss(mng_tensor input, mng_tensor target, int reduction, mng_tensor* out) {
  return guarded([&] { put(out, at::l1_loss(ref(input, "input"), ref(target, "target"), reduction)); });
}

MNG_API int mng_cross_entropy(mng_tensor input, mng_tensor target, int reduction, mng_tensor* out) {
  return guarded([&] { put(out, at::cross_entropy_loss(ref(input, "input"), ref(target, "target"), c10::nullopt, reduction)); });
}

// ---------------------------------------------------------------- in place --

#define MNG_INPLACE(name, statement)                                      \
  MNG_API int mng_##name(mng_tensor target) {                             \
    return guarded([&] {                                                  \
      auto& x = ref(target, "target");           \
      statement;                                                          \
    });                                                                   \
  }

MNG_INPLACE(zero_, x.zero_())
MNG_INPLACE(sqrt_, x.sqrt_())
MNG_INPLACE(detach_, x.detach_())

MNG_API int mng_fill_(mng_tensor target, double value) {
  return guarded([&] {
    const auto& x = ref(target, "target");
    x.fill_(scalar_for(x, value));
  });
}

MNG_API int mng_mul_scalar_(mng_tensor target, double value) {
  return guarded([&] {
    const auto& x = ref(target, "target");
    x.mul_(scalar_for(x, value));
  });
}

MNG_API int mng_add_scalar_(mng_tensor target, double value) {
  return guarded([&] {
    const auto& x = ref(target, "target");
    x.add_(scalar_for(x, value));
  });
}

MNG_API int mng_add_(mng_tensor target, mng_tensor other, double alpha) {
  return guarded([&] { ref(target, "target").add_(ref(other, "other"), alpha); });
}

MNG_API int mng_mul_(mng_tensor target, mng_tensor other) {
  return guarded([&] { ref(target, "target").mul_(ref(other, "other")); });
}

MNG_API int mng_div_(mng_tensor target, mng_tensor other) {
  return guarded([&] { ref(target, "target").div_(ref(other, "other")); });
}

MNG_API int mng_copy_(mng_tensor target, mng_tensor source) {
  return guarded([&] { ref(target, "target").copy_(ref(source, "source")); });
}

MNG_API int mng_addcmul_(mng_tensor target, mng_tensor left, mng_tensor right, double value) {
  return guarded([&] { ref(target, "target").addcmul_(ref(left, "left"), ref(right, "right"), value); });
}

MNG_API int mng_addcdiv_(mng_tensor target, mng_tensor left, mng_tensor right, double value) {
  return guarded([&] { ref(target, "target").addcdiv_(ref(left, "left"), ref(right, "right"), value); });
}

MNG_API int mng_lerp_(mng_tensor target, mng_tensor end, double weight) {
  return guarded([&] { ref(target, "target").lerp_(ref(end, "end"), weight); });
}

MNG_API int mng_clamp_(mng_tensor target, double min, double max) {
  return guarded([&] { ref(target, "target").clamp_(min, max); });
}

MNG_API int mng_relu_(mng_tensor target) {
  return guarded([&] { ref(target, "target").relu_(); });
}

MNG_API int mng_leaky_relu_(mng_tensor target, double negative_slope) {
  return guarded([&] {
    auto x = ref(target, "target");  // a handle copy: the in-place op writes through to the same storage
    at::leaky_relu_(x, negative_slope);
  });
}

MNG_API int mng_uniform_(mng_tensor target, double low, double high, mng_generator generator) {
  return guarded([&] { ref(target, "target").uniform_(low, high, generator_ref(generator)); });
}

MNG_API int mng_normal_(mng_tensor target, double mean, double std, mng_generator generator) {
  return guarded([&] { ref(target, "target").normal_(mean, std, generator_ref(generator)); });
}

// nonlinearity: 0 leaky_relu, 1 relu, 2 linear, 3 tanh, 4 sigmoid; mode: 0 fan_in, 1 fan_out.
namespace {
torch::nn::init::NonlinearityType nonlinearity_of(int code) {
  switch (code) {
    case 0: return torch::kLeakyReLU;
    case 1: return torch::kReLU;
    case 2: return torch::kLinear;
    case 3: return torch::kTanh;
    case 4: return torch::kSigmoid;
    default: throw std::invalid_argument("unsupported nonlinearity code " + std::to_string(code));
  }
}
torch::nn::init::FanModeType fan_mode_of(int code) {
  if (code == 0) return torch::kFanIn;
  if (code == 1) return torch::kFanOut;
  throw std::invalid_argument("unsupported fan mode code " + std::to_string(code));
}
}  // namespace

MNG_API int mng_kaiming_uniform_(mng_tensor target, double a, int mode, int nonlinearity) {
  return guarded([&] { torch::nn::init::kaiming_uniform_(ref(target, "target"), a, fan_mode_of(mode), nonlinearity_of(nonlinearity)); });
}

MNG_API int mng_kaiming_normal_(mng_tensor target, double a, int mode, int nonlinearity) {
  return guarded([&] { torch::nn::init::kaiming_normal_(ref(target, "target"), a, fan_mode_of(mode), nonlinearity_of(nonlinearity)); });
}

MNG_API int mng_xavier_uniform_(mng_tensor target, double gain) {
  return guarded([&] { torch::nn::init::xavier_uniform_(ref(target, "target"), gain); });
}

MNG_API int mng_xavier_normal_(mng_tensor target, double gain) {
  return guarded([&] { torch::nn::init::xavier_normal_(ref(target, "target"), gain); });
}

// ---------------------------------------------------------------- autograd --

MNG_API int mng_backward(mng_tensor tensor, mng_tensor gradient, int retain_graph, int create_graph) {
  return guarded([&] {
    const auto& t = ref(tensor, "tensor");
    auto grad = optional_ref(gradient);
    t.backward(grad.has_value() ? *grad : at::Tensor(), retain_graph != 0 ? c10::optional<bool>(true) : c10::nullopt, create_graph != 0);
  });
}

// Gradients of `outputs` with respect to `inputs`, written into `results` (one per input).
// create_graph keeps the graph of the gradient itself, as gradient penalties need.
MNG_API int mng_autograd_grad(const mng_tensor* outputs, int output_count, const mng_tensor* inputs, int input_count,
                              const mng_tensor* grad_outputs, int grad_output_count, int retain_graph, int create_graph,
                              mng_tensor* results) {
  return guarded([&] {
    auto outs = tensor_list(outputs, output_count, "outputs");
    auto ins = tensor_list(inputs, input_count, "inputs");
    auto grads = tensor_list(grad_outputs, grad_output_count, "grad_outputs");
    if (input_count > 0) require_out(results);
    auto computed = torch::autograd::grad(outs, ins, grads, retain_graph != 0 ? c10::optional<bool>(true) : c10::nullopt,
                                          create_graph != 0, /*allow_unused=*/false);
    for (size_t i = 0; i < computed.size(); ++i) put(&results[i], computed[i]);
  });
}

// ------------------------------------------------------------- optimizers --

namespace {

struct AdamScalars {
  float weight_decay, beta1, one_minus_beta1, beta2, one_minus_beta2, bias_correction2_sqrt, eps, neg_step_size;
};

// The elementwise Adam update. PyTorch's CPU kernels run in float, with FMA for add-with-alpha
// (vec::fmadd) and for addcmul (Debian's build contracts self + (value * t1) * t2 into one FMA;
// FusedAdamTests pins this bit for bit), so std::fma reproduces them and nothing else is contracted
// (-ffp-contract=off). The body is compiled for three instruction sets and the
// best one the CPU supports is picked at run time: with FMA/AVX the compiler vectorizes it (and
// unswitches the loop on the weight-decay and AMSGrad tests); the portable build stays correct, only
// slower (its std::fma is a library call).
#define MNG_ADAM_UPDATE_BODY                                                                          \
  for (int64_t j = 0; j < n; ++j) {                                                                  \
    const float gj = s.weight_decay != 0 ? std::fma(s.weight_decay, p[j], g[j]) : g[j];              \
    const float mj = std::fma(s.one_minus_beta1, gj, m[j] * s.beta1);                               \
    const float vj = std::fma(s.one_minus_beta2 * gj, gj, v[j] * s.beta2);                           \
    m[j] = mj;                                                                                       \
    v[j] = vj;                                                                                       \
    float second = vj;                                                                               \
    if (vmax != nullptr) second = vmax[j] = std::max(vmax[j], vj);                                   \
    p[j] = p[j] + s.neg_step_size * mj / (std::sqrt(second) / s.bias_correction2_sqrt + s.eps);      \
  }

#define MNG_ADAM_UPDATE_SIGNATURE \
  (float* __restrict p, const float* __restrict g, float* __restrict m, float* __restrict v, float* __restrict vmax, int64_t n, AdamScalars s)

__attribute__((target("avx512f,avx2,fma"))) void adam_update_avx512 MNG_ADAM_UPDATE_SIGNATURE { MNG_ADAM_UPDATE_BODY }
__attribute__((target("avx2,fma"))) void adam_update_avx2 MNG_ADAM_UPDATE_SIGNATURE { MNG_ADAM_UPDATE_BODY }
void adam_update_portable MNG_ADAM_UPDATE_SIGNATURE { MNG_ADAM_UPDATE_BODY }

using AdamUpdate = void (*) MNG_ADAM_UPDATE_SIGNATURE;

AdamUpdate select_adam_update() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma")) return adam_update_avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return adam_update_avx2;
  return adam_update_portable;
}

const AdamUpdate adam_update = select_adam_update();

}  // namespace

// One Adam step (PyTorch 1.13's torch.optim.Adam, single-tensor variant) over many parameters in one
// call and one pass over memory per parameter, instead of about ten elementwise ops each. The
// arithmetic follows PyTorch's kernels operation by operation (float, same order, FMA where PyTorch's
// kernels use one), so results equal the op-by-op update bit for bit (FusedAdamTests).
// Parameters whose gradient is undefined are skipped; the others have their step count steps[i]
// incremented first, as PyTorch does. max_exp_avg_sqs may be null (no AMSGrad).
MNG_API int mng_adam_step(const mng_tensor* params, const mng_tensor* exp_avgs, const mng_tensor* exp_avg_sqs,
                          const mng_tensor* max_exp_avg_sqs, int64_t* steps, int count, double lr, double beta1,
                          double beta2, double eps, double weight_decay) {
  return guarded([&] {
    if (count < 0 || (count > 0 && (params == nullptr || exp_avgs == nullptr || exp_avg_sqs == nullptr || steps == nullptr))) {
      throw std::invalid_argument("adam_step: bad parameter or state lists");
    }
    at::NoGradGuard no_grad;
    for (int i = 0; i < count; ++i) {
      const auto& param = ref(params[i], "param");
      const auto& grad_ref = param.grad();
      if (!grad_ref.defined()) continue;
      const auto& m_t = ref(exp_avgs[i], "exp_avg");
      const auto& v_t = ref(exp_avg_sqs[i], "exp_avg_sq");
      const at::Tensor* vmax_t = max_exp_avg_sqs != nullptr ? &ref(max_exp_avg_sqs[i], "max_exp_avg_sq") : nullptr;
      bool fast = param.device().is_cpu() && param.scalar_type() == at::kFloat && param.is_contiguous() && grad_ref.is_contiguous() &&
                  grad_ref.scalar_type() == at::kFloat && m_t.is_contiguous() && v_t.is_contiguous() && m_t.sizes() == param.sizes() &&
                  v_t.sizes() == param.sizes() && grad_ref.sizes() == param.sizes() &&
                  (vmax_t == nullptr || (vmax_t->is_contiguous() && vmax_t->sizes() == param.sizes()));
      const int64_t step = ++steps[i];
      const double bias_correction1 = 1 - std::pow(beta1, static_cast<double>(step));
      const double bias_correction2_sqrt = std::sqrt(1 - std::pow(beta2, static_cast<double>(step)));
      const double step_size = lr / bias_correction1;
      if (!fast) {  // other devices or layouts: the same update as tensor ops
        auto grad = weight_decay != 0 ? grad_ref.add(param, weight_decay) : grad_ref;
        m_t.mul_(beta1).add_(grad, 1 - beta1);
        v_t.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
        const at::Tensor* second = &v_t;
        if (vmax_t != nullptr) {
          at::maximum_out(const_cast<at::Tensor&>(*vmax_t), *vmax_t, v_t);
          second = vmax_t;
        }
        auto denom = (second->sqrt() / bias_correction2_sqrt).add_(eps);
        param.addcdiv_(m_t, denom, -step_size);
        continue;
      }
      const AdamScalars scalars{static_cast<float>(weight_decay), static_cast<float>(beta1), static_cast<float>(1 - beta1),
                                static_cast<float>(beta2), static_cast<float>(1 - beta2), static_cast<float>(bias_correction2_sqrt),
                                static_cast<float>(eps), static_cast<float>(-step_size)};
      float* p = param.data_ptr<float>();
      const float* g = grad_ref.data_ptr<float>();
      float* m = m_t.data_ptr<float>();
      float* v = v_t.data_ptr<float>();
      float* vmax = vmax_t != nullptr ? vmax_t->data_ptr<float>() : nullptr;
      at::parallel_for(0, param.numel(), 1 << 16, [&](int64_t begin, int64_t end) {
        adam_update(p + begin, g + begin, m + begin, v + begin, vmax != nullptr ? vmax + begin : nullptr, end - begin, scalars);
      });
    }
  });
}
