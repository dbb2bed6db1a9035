// Float32 matrix products through oneDNN's GEMM (dnnl_sgemm) instead of libtorch's BLAS: linear layers, 2-D
// matmul and the matrix-product form of a transposed convolution on 1x1 inputs.
//
// Why: Debian's libtorch multiplies float32 matrices with OpenBLAS, whose kernels are slower than oneDNN's on
// the small products of a GAN's fully connected layers, and whose threading barely helps them: on this
// project's AVX-512 machine, 128x256x256 takes 92 us (1 thread) / 78 us (2 threads) in OpenBLAS and 80 / 45 us
// in oneDNN; 32x784x256 takes 100 / 81 us against 63 / 40 us (docs/benchmarks.md). libtorch already ships
// oneDNN (libdnnl.so.2) for its convolutions, so this adds no dependency: the library is found at run time,
// and where it is absent (another libtorch build) the products keep libtorch's own path.
//
// Exactness: the same products in another summation order, so results differ from libtorch's by float
// rounding only; the tests compare values and gradients (first and second order) against at::linear.
// The backward passes are built from the differentiable product below, so double backward (gradient
// penalties) works through it.
#include "shim.h"

#include <ATen/autocast_mode.h>
#include <torch/csrc/autograd/custom_function.h>

#include <dlfcn.h>

#include <algorithm>
#include <atomic>

using namespace mng;

namespace {

// dnnl_sgemm's C signature (oneDNN 1.x-3.x, dnnl.h): row-major C = alpha * op(A) * op(B) + beta * C.
using SgemmFn = int (*)(char transa, char transb, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
                        const float* b, int64_t ldb, float beta, float* c, int64_t ldc);

// Resolved once; null when no libdnnl.so.2 can be loaded or it lacks the symbol.
SgemmFn onednn_sgemm() {
  static const SgemmFn fn = [] {
    void* library = dlopen("libdnnl.so.2", RTLD_NOW | RTLD_LOCAL);
    return library == nullptr ? nullptr : reinterpret_cast<SgemmFn>(dlsym(library, "dnnl_sgemm"));
  }();
  return fn;
}

// Whether the products take oneDNN's GEMM (tests switch it off to compare with libtorch's own operators).
std::atomic<bool> onednn_gemm_enabled{true};

// A matrix operand as BLAS wants it: rows of unit stride (op = 'N'), or the transpose of such (op = 'T').
struct Operand {
  at::Tensor storage;  // keeps a contiguous copy alive when one had to be made
  char op;
  int64_t leading;
};

Operand operand(const at::Tensor& matrix) {
  const auto rows = matrix.size(0), cols = matrix.size(1);
  if (matrix.stride(1) == 1 && matrix.stride(0) >= std::max<int64_t>(1, cols)) return {matrix, 'N', matrix.stride(0)};
  if (matrix.stride(0) == 1 && matrix.stride(1) >= std::max<int64_t>(1, rows)) return {matrix, 'T', matrix.stride(1)};
  auto copy = matrix.contiguous();  // broadcast (stride 0) or otherwise strided, e.g. the gradient of a mean
  return {copy, 'N', std::max<int64_t>(1, cols)};
}

// left (m x k) times right (k x n), plus the bias row (n) broadcast over the rows when it is defined.
at::Tensor gemm(const at::Tensor& left, const at::Tensor& right, const at::Tensor& bias) {
  const auto m = left.size(0), k = left.size(1), n = right.size(1);
  auto out = at::empty({m, n}, left.options());
  float beta = 0;
  if (bias.defined()) {
    out.copy_(bias.expand({m, n}));
    beta = 1;
  }
  if (m == 0 || n == 0) return out;
  if (k == 0) return bias.defined() ? out : out.zero_();
  const auto a = operand(left), b = operand(right);
  const int status = onednn_sgemm()(a.op, b.op, m, n, k, 1.0f, a.storage.data_ptr<float>(), a.leading, b.storage.data_ptr<float>(),
                                    b.leading, beta, out.data_ptr<float>(), n);
  if (status != 0) throw std::runtime_error("oneDNN sgemm failed with status " + std::to_string(status));
  return out;
}

// left @ right, differentiable to any order.
struct OneDnnMatmul : public torch::autograd::Function<OneDnnMatmul> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& left, const at::Tensor& right) {
    ctx->save_for_backward({left, right});
    return gemm(left, right, at::Tensor());
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::tensor_list grads) {
    auto saved = ctx->get_saved_variables();
    const auto& grad = grads[0];
    at::Tensor grad_left, grad_right;
    if (ctx->needs_input_grad(0)) grad_left = OneDnnMatmul::apply(grad, saved[1].t());
    if (ctx->needs_input_grad(1)) grad_right = OneDnnMatmul::apply(saved[0].t(), grad);
    return {grad_left, grad_right};
  }
};

// input (rows x in) @ weight (out x in)^T + bias (out): nn.Linear on a batch of rows.
struct OneDnnLinear : public torch::autograd::Function<OneDnnLinear> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias) {
    ctx->save_for_backward({input, weight});
    return gemm(input, weight.t(), bias);
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::tensor_list grads) {
    auto saved = ctx->get_saved_variables();
    const auto& grad = grads[0];
    at::Tensor grad_input, grad_weight, grad_bias;
    if (ctx->needs_input_grad(0)) grad_input = OneDnnMatmul::apply(grad, saved[1]);
    if (ctx->needs_input_grad(1)) grad_weight = OneDnnMatmul::apply(grad.t(), saved[0]);
    if (ctx->needs_input_grad(2)) grad_bias = grad.sum(0);
    return {grad_input, grad_weight, grad_bias};
  }
};

bool is_cpu_float(const at::Tensor& t) { return t.device().is_cpu() && t.scalar_type() == at::kFloat && t.layout() == at::kStrided; }

bool takes_onednn(const at::Tensor& left, const at::Tensor& right) {
  return onednn_gemm_enabled.load(std::memory_order_relaxed) && onednn_sgemm() != nullptr &&
         !at::autocast::is_cpu_enabled() &&  // autocast lowers products to bfloat16 through libtorch's own dispatch
         left.dim() == 2 && right.dim() == 2 && is_cpu_float(left) && is_cpu_float(right);
}

}  // namespace

namespace mng {

at::Tensor linear_fastest(const at::Tensor& input, const at::Tensor& weight, const c10::optional<at::Tensor>& bias) {
  const bool has_bias = bias.has_value() && bias->defined();
  if (!takes_onednn(input, weight) || input.size(1) != weight.size(1) ||
      (has_bias && (bias->dim() != 1 || !is_cpu_float(*bias) || bias->size(0) != weight.size(0)))) {
    return at::linear(input, weight, bias);
  }
  // Function::apply cannot take an undefined tensor, so without a bias the layer is the plain product.
  return has_bias ? OneDnnLinear::apply(input, weight, *bias) : OneDnnMatmul::apply(input, weight.t());
}

at::Tensor mm_fastest(const at::Tensor& left, const at::Tensor& right) {
  if (!takes_onednn(left, right) || left.size(1) != right.size(0)) return at::mm(left, right);
  return OneDnnMatmul::apply(left, right);
}

}  // namespace mng

MNG_API int mng_set_onednn_gemm(int enabled) {
  return guarded([&] { onednn_gemm_enabled.store(enabled != 0); });
}

MNG_API int mng_onednn_gemm_available(int* out) {
  return guarded([&] { *require_out(out) = onednn_sgemm() != nullptr ? 1 : 0; });
}
