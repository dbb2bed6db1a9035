/* MLNetGan native shim: a flat C ABI over libtorch.
 *
 * Contract (every exported function follows it):
 *   - returns MNG_OK (0) or MNG_ERROR (1); on error, mng_last_error() returns the
 *     message (libtorch's own text when libtorch threw) for the calling thread;
 *   - no C++ exception ever leaves a function;
 *   - a null input handle is rejected with an error, never dereferenced;
 *   - results come back through out-parameters; each returned tensor handle is
 *     owned by the caller and released with mng_tensor_free.
 * Only generic tensor operations live here; models and training are in C#.
 */
#ifndef MLNETGAN_TORCH_H
#define MLNETGAN_TORCH_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MNG_OK 0
#define MNG_ERROR 1

typedef struct mng_tensor_s* mng_tensor;
typedef struct mng_generator_s* mng_generator;
typedef struct mng_guard_s* mng_guard;
typedef struct mng_process_group_s* mng_process_group;

/* Every exported function, and nothing else: this header is the single source of truth for the ABI.
 * The shim includes it, so the compiler rejects a definition that disagrees with its declaration, and
 * test/MLNetGan.Torch.Tests/AbiTests.cs checks that the C# declarations (NativeMethods.cs) match these
 * names and parameter types and that the library exports each of them. */
/* runtime */
const char* mng_last_error(void);
int mng_manual_seed(uint64_t seed);
int mng_set_num_threads(int threads);
int mng_get_num_threads(int* out);
int mng_cuda_is_available(int* out);
int mng_cuda_device_count(int* out);
int mng_set_grad_enabled(int enabled, int* previous);
int mng_inference_mode_enter(mng_guard* out);
int mng_inference_mode_exit(mng_guard guard);
int mng_generator_new(uint64_t seed, mng_generator* out);
void mng_generator_free(mng_generator generator);
int mng_generator_get_state(mng_generator generator, mng_tensor* out);
int mng_generator_set_state(mng_generator generator, mng_tensor state);
/* CPU memory: the caching allocator every CPU tensor comes from (caching 0 when MLNETGAN_MALLOC=system kept c10's). */
int mng_cpu_allocator_stats(int* caching, int64_t* cached_bytes, int64_t* limit_bytes);
int mng_cpu_empty_cache(void);
int mng_cpu_set_cache_limit(int64_t limit_bytes);

/* tensor lifecycle */
void mng_tensor_free(mng_tensor tensor);
int64_t mng_live_tensor_count(void);
int mng_tensor_from_data(const void* data, int64_t byte_count, int dtype, const int64_t* shape, int ndim, mng_tensor* out);
int mng_tensor_copy_to(mng_tensor tensor, void* destination, int64_t byte_count, int dtype);
/* copies byte_count bytes into a contiguous CPU tensor of that dtype, starting byte_offset bytes into its data */
int mng_tensor_write_at(mng_tensor tensor, const void* source, int64_t byte_count, int64_t byte_offset, int dtype);
int mng_tensor_ndim(mng_tensor tensor, int* out);
int mng_tensor_shape(mng_tensor tensor, int64_t* out, int capacity);
int mng_tensor_dtype(mng_tensor tensor, int* out);
int mng_tensor_numel(mng_tensor tensor, int64_t* out);
int mng_tensor_device(mng_tensor tensor, int* type, int* index);
int mng_tensor_requires_grad(mng_tensor tensor, int* out);
int mng_tensor_set_requires_grad(mng_tensor tensor, int value);
int mng_tensor_grad(mng_tensor tensor, mng_tensor* out);
int mng_tensor_clear_grad(mng_tensor tensor);
int mng_tensor_item(mng_tensor tensor, double* out);
int mng_tensor_item_int64(mng_tensor tensor, int64_t* out);
int mng_tensor_to(mng_tensor tensor, int device_type, int device_index, int dtype, mng_tensor* out);

/* factories */
int mng_zeros(const int64_t* shape, int ndim, int dtype, int device_type, int device_index, int requires_grad, mng_tensor* out);
int mng_ones(const int64_t* shape, int ndim, int dtype, int device_type, int device_index, int requires_grad, mng_tensor* out);
int mng_full(const int64_t* shape, int ndim, double value, int dtype, int device_type, int device_index, int requires_grad, mng_tensor* out);
int mng_rand(const int64_t* shape, int ndim, int dtype, int device_type, int device_index, mng_generator generator, mng_tensor* out);
int mng_randn(const int64_t* shape, int ndim, int dtype, int device_type, int device_index, mng_generator generator, mng_tensor* out);
int mng_randint(int64_t low, int64_t high, const int64_t* shape, int ndim, mng_generator generator, mng_tensor* out);
int mng_randperm(int64_t n, mng_generator generator, mng_tensor* out);
int mng_arange(double start, double end, double step, int dtype, mng_tensor* out);
int mng_linspace(double start, double end, int64_t steps, int dtype, mng_tensor* out);

/* element-wise */
int mng_clone(mng_tensor input, mng_tensor* out);
int mng_detach(mng_tensor input, mng_tensor* out);
int mng_contiguous(mng_tensor input, mng_tensor* out);
int mng_neg(mng_tensor input, mng_tensor* out);
int mng_abs(mng_tensor input, mng_tensor* out);
int mng_relu(mng_tensor input, mng_tensor* out);
int mng_tanh(mng_tensor input, mng_tensor* out);
int mng_sigmoid(mng_tensor input, mng_tensor* out);
int mng_log(mng_tensor input, mng_tensor* out);
int mng_exp(mng_tensor input, mng_tensor* out);
int mng_sqrt(mng_tensor input, mng_tensor* out);
int mng_rsqrt(mng_tensor input, mng_tensor* out);
int mng_square(mng_tensor input, mng_tensor* out);
int mng_sign(mng_tensor input, mng_tensor* out);
int mng_sin(mng_tensor input, mng_tensor* out);
int mng_cos(mng_tensor input, mng_tensor* out);
int mng_floor(mng_tensor input, mng_tensor* out);
int mng_round(mng_tensor input, mng_tensor* out);
int mng_log_sigmoid(mng_tensor input, mng_tensor* out);
int mng_sum(mng_tensor input, mng_tensor* out);
int mng_mean(mng_tensor input, mng_tensor* out);
int mng_max_all(mng_tensor input, mng_tensor* out);
int mng_min_all(mng_tensor input, mng_tensor* out);
int mng_t(mng_tensor input, mng_tensor* out);
int mng_zeros_like(mng_tensor input, mng_tensor* out);
int mng_ones_like(mng_tensor input, mng_tensor* out);
int mng_randn_like(mng_tensor input, mng_tensor* out);
int mng_rand_like(mng_tensor input, mng_tensor* out);
int mng_mul(mng_tensor left, mng_tensor right, mng_tensor* out);
int mng_div(mng_tensor left, mng_tensor right, mng_tensor* out);
int mng_pow(mng_tensor left, mng_tensor right, mng_tensor* out);
int mng_matmul(mng_tensor left, mng_tensor right, mng_tensor* out);
int mng_maximum(mng_tensor left, mng_tensor right, mng_tensor* out);
int mng_minimum(mng_tensor left, mng_tensor right, mng_tensor* out);
int mng_eq(mng_tensor left, mng_tensor right, mng_tensor* out);
int mng_ne(mng_tensor left, mng_tensor right, mng_tensor* out);
int mng_lt(mng_tensor left, mng_tensor right, mng_tensor* out);
int mng_le(mng_tensor left, mng_tensor right, mng_tensor* out);
int mng_gt(mng_tensor left, mng_tensor right, mng_tensor* out);
int mng_ge(mng_tensor left, mng_tensor right, mng_tensor* out);
int mng_add(mng_tensor left, mng_tensor right, double alpha, mng_tensor* out);
int mng_sub(mng_tensor left, mng_tensor right, double alpha, mng_tensor* out);
int mng_add_scalar(mng_tensor input, double value, mng_tensor* out);
int mng_sub_scalar(mng_tensor input, double value, mng_tensor* out);
int mng_rsub_scalar(mng_tensor input, double value, mng_tensor* out);
int mng_mul_scalar(mng_tensor input, double value, mng_tensor* out);
int mng_div_scalar(mng_tensor input, double value, mng_tensor* out);
int mng_rdiv_scalar(mng_tensor input, double value, mng_tensor* out);
int mng_pow_scalar(mng_tensor input, double value, mng_tensor* out);
int mng_eq_scalar(mng_tensor input, double value, mng_tensor* out);
int mng_lt_scalar(mng_tensor input, double value, mng_tensor* out);
int mng_le_scalar(mng_tensor input, double value, mng_tensor* out);
int mng_gt_scalar(mng_tensor input, double value, mng_tensor* out);
int mng_ge_scalar(mng_tensor input, double value, mng_tensor* out);
int mng_leaky_relu(mng_tensor input, double value, mng_tensor* out);
int mng_softmax(mng_tensor input, int64_t dim, mng_tensor* out);
int mng_log_softmax(mng_tensor input, int64_t dim, mng_tensor* out);
int mng_squeeze(mng_tensor input, int64_t dim, mng_tensor* out);
int mng_unsqueeze(mng_tensor input, int64_t dim, mng_tensor* out);
int mng_softplus(mng_tensor input, double beta, double threshold, mng_tensor* out);
int mng_clamp(mng_tensor input, int has_min, double min, int has_max, double max, mng_tensor* out);
int mng_where(mng_tensor condition, mng_tensor left, mng_tensor right, mng_tensor* out);
int mng_to_dtype(mng_tensor input, int dtype, mng_tensor* out);

/* reductions */
int mng_sum_dims(mng_tensor input, const int64_t* dims, int ndims, int keepdim, mng_tensor* out);
int mng_mean_dims(mng_tensor input, const int64_t* dims, int ndims, int keepdim, mng_tensor* out);
int mng_var_dims(mng_tensor input, const int64_t* dims, int ndims, int unbiased, int keepdim, mng_tensor* out);
int mng_norm_dims(mng_tensor input, double p, const int64_t* dims, int ndims, int keepdim, mng_tensor* out);
int mng_logsumexp(mng_tensor input, const int64_t* dims, int ndims, int keepdim, mng_tensor* out);
int mng_max_dim(mng_tensor input, int64_t dim, int keepdim, mng_tensor* values, mng_tensor* indices);
int mng_min_dim(mng_tensor input, int64_t dim, int keepdim, mng_tensor* values, mng_tensor* indices);
int mng_argmax(mng_tensor input, int64_t dim, int keepdim, mng_tensor* out);
int mng_cdist(mng_tensor left, mng_tensor right, double p, mng_tensor* out);

/* shape */
int mng_reshape(mng_tensor input, const int64_t* shape, int ndim, mng_tensor* out);
int mng_view(mng_tensor input, const int64_t* shape, int ndim, mng_tensor* out);
int mng_expand(mng_tensor input, const int64_t* shape, int ndim, mng_tensor* out);
int mng_permute(mng_tensor input, const int64_t* dims, int ndim, mng_tensor* out);
int mng_repeat(mng_tensor input, const int64_t* repeats, int ndim, mng_tensor* out);
int mng_flatten(mng_tensor input, int64_t start_dim, int64_t end_dim, mng_tensor* out);
int mng_transpose(mng_tensor input, int64_t dim0, int64_t dim1, mng_tensor* out);
int mng_narrow(mng_tensor input, int64_t dim, int64_t start, int64_t length, mng_tensor* out);
int mng_select(mng_tensor input, int64_t dim, int64_t index, mng_tensor* out);
int mng_index_select(mng_tensor input, int64_t dim, mng_tensor index, mng_tensor* out);
int mng_gather(mng_tensor input, int64_t dim, mng_tensor index, mng_tensor* out);
int mng_cat(const mng_tensor* inputs, int count, int64_t dim, mng_tensor* out);
int mng_stack(const mng_tensor* inputs, int count, int64_t dim, mng_tensor* out);
int mng_one_hot(mng_tensor input, int64_t num_classes, mng_tensor* out);

/* neural network */
int mng_linear(mng_tensor input, mng_tensor weight, mng_tensor bias, mng_tensor* out);
/* Whether float32 products on the CPU (linear, 2-D matmul, transposed convolution of 1x1 inputs) multiply through
   oneDNN's GEMM (default 1) or libtorch's BLAS. */
int mng_set_onednn_gemm(int enabled);
/* 1 when oneDNN's GEMM (libdnnl.so.2) could be loaded, else 0. */
int mng_onednn_gemm_available(int* out);
int mng_conv2d(mng_tensor input, mng_tensor weight, mng_tensor bias, const int64_t* stride, const int64_t* padding, const int64_t* dilation, int64_t groups, mng_tensor* out);
int mng_set_conv_transpose_rewrites(int enabled);
/* 1 when the CPU multiplies bfloat16 in hardware (AVX512-BF16 or AMX-BF16), else 0. */
int mng_cpu_has_native_bfloat16(int* out);
int mng_conv_transpose2d(mng_tensor input, mng_tensor weight, mng_tensor bias, const int64_t* stride, const int64_t* padding, const int64_t* output_padding, int64_t groups, const int64_t* dilation, mng_tensor* out);
int mng_batch_norm(mng_tensor input, mng_tensor weight, mng_tensor bias, mng_tensor running_mean, mng_tensor running_var, int training, double momentum, double eps, mng_tensor* out);
/* generator: null draws from libtorch's global generator, as at::dropout does. */
int mng_dropout(mng_tensor input, double p, int training, mng_generator generator, mng_tensor* out);
int mng_embedding(mng_tensor weight, mng_tensor indices, mng_tensor* out);
int mng_max_pool2d(mng_tensor input, const int64_t* kernel, const int64_t* stride, const int64_t* padding, mng_tensor* out);
int mng_avg_pool2d(mng_tensor input, const int64_t* kernel, const int64_t* stride, const int64_t* padding, mng_tensor* out);
int mng_adaptive_avg_pool2d(mng_tensor input, const int64_t* output_size, mng_tensor* out);
int mng_binary_cross_entropy(mng_tensor input, mng_tensor target, mng_tensor weight, int reduction, mng_tensor* out);
int mng_binary_cross_entropy_with_logits(mng_tensor input, mng_tensor target, mng_tensor weight, mng_tensor pos_weight, int reduction, mng_tensor* out);
int mng_mse_loss(mng_tensor input, mng_tensor target, int reduction, mng_tensor* out);
int mng_l1_loss(mng_tensor input, mng_tensor target, int reduction, mng_tensor* out);
int mng_cross_entropy(mng_tensor input, mng_tensor target, int reduction, mng_tensor* out);

/* in place */
int mng_zero_(mng_tensor target);
int mng_sqrt_(mng_tensor target);
int mng_detach_(mng_tensor target);
int mng_fill_(mng_tensor target, double value);
int mng_mul_scalar_(mng_tensor target, double value);
int mng_add_scalar_(mng_tensor target, double value);
int mng_add_(mng_tensor target, mng_tensor other, double alpha);
int mng_mul_(mng_tensor target, mng_tensor other);
int mng_div_(mng_tensor target, mng_tensor other);
int mng_copy_(mng_tensor target, mng_tensor source);
int mng_addcmul_(mng_tensor target, mng_tensor left, mng_tensor right, double value);
int mng_addcdiv_(mng_tensor target, mng_tensor left, mng_tensor right, double value);
int mng_lerp_(mng_tensor target, mng_tensor end, double weight);
int mng_clamp_(mng_tensor target, double min, double max);
int mng_relu_(mng_tensor target);
int mng_leaky_relu_(mng_tensor target, double negative_slope);
int mng_uniform_(mng_tensor target, double low, double high, mng_generator generator);
int mng_normal_(mng_tensor target, double mean, double std, mng_generator generator);
int mng_kaiming_uniform_(mng_tensor target, double a, int mode, int nonlinearity);
int mng_kaiming_normal_(mng_tensor target, double a, int mode, int nonlinearity);
int mng_xavier_uniform_(mng_tensor target, double gain);
int mng_xavier_normal_(mng_tensor target, double gain);

/* autograd */
int mng_backward(mng_tensor tensor, mng_tensor gradient, int retain_graph, int create_graph);
int mng_autograd_grad(const mng_tensor* outputs, int output_count, const mng_tensor* inputs, int input_count, const mng_tensor* grad_outputs, int grad_output_count, int retain_graph, int create_graph, mng_tensor* results);

/* optimizers */
int mng_adam_step(const mng_tensor* params, const mng_tensor* exp_avgs, const mng_tensor* exp_avg_sqs, const mng_tensor* max_exp_avg_sqs, int64_t* steps, int count, double lr, double beta1, double beta2, double eps, double weight_decay);

/* distributed: c10d's Gloo process group over a TCPStore rendezvous (rank 0 hosts it at
 * master_address:master_port). Collectives take CPU tensors and block until done or until the
 * group's timeout, which, like a lost peer, is returned as an error. Several tensors travel as one
 * flat buffer. Reduce op: 0 sum, 1 average (sum / world size), 2 min, 3 max, 4 product. */
int mng_dist_init(const char* master_address, int master_port, int rank, int world_size, int64_t timeout_ms, mng_process_group* out);
void mng_dist_free(mng_process_group group);
int mng_dist_all_reduce(mng_process_group group, const mng_tensor* tensors, int count, int op);
int mng_dist_broadcast(mng_process_group group, const mng_tensor* tensors, int count, int root);
/* out: the inputs of every rank stacked along a new first dimension, in rank order. */
int mng_dist_all_gather(mng_process_group group, mng_tensor input, mng_tensor* out);
int mng_dist_barrier(mng_process_group group);

#ifdef __cplusplus
}
#endif

#endif
