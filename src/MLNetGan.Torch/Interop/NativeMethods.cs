using System.Runtime.InteropServices;

namespace MLNetGan.Torch.Interop;

// P/Invoke declarations for the native shim (native/src/mlnetgan_torch.cpp).
// Optional inputs are passed as TensorHandle.Null / GeneratorHandle.Null (the marshaller
// rejects a null SafeHandle reference). Inputs are SafeHandles so the marshaller keeps them alive (and rejects closed ones)
// for the duration of the call; outputs are raw pointers wrapped at once by the caller.
// Every function returns 0 on success or 1 with a message in mng_last_error.
internal static unsafe partial class NativeMethods
{
    internal const string Library = "mlnetgan_torch";

    [DllImport(Library)] internal static extern IntPtr mng_last_error();
    [DllImport(Library)] internal static extern void mng_tensor_free(IntPtr tensor);
    [DllImport(Library)] internal static extern void mng_generator_free(IntPtr generator);
    [DllImport(Library)] internal static extern long mng_live_tensor_count();

    [DllImport(Library)] internal static extern int mng_manual_seed(ulong seed);
    [DllImport(Library)] internal static extern int mng_set_num_threads(int threads);
    [DllImport(Library)] internal static extern int mng_get_num_threads(out int threads);
    [DllImport(Library)] internal static extern int mng_cuda_is_available(out int available);
    [DllImport(Library)] internal static extern int mng_cuda_device_count(out int count);
    [DllImport(Library)] internal static extern int mng_set_grad_enabled(int enabled, out int previous);
    [DllImport(Library)] internal static extern int mng_inference_mode_enter(out IntPtr guard);
    [DllImport(Library)] internal static extern int mng_inference_mode_exit(IntPtr guard);
    [DllImport(Library)] internal static extern int mng_generator_new(ulong seed, out IntPtr generator);
    [DllImport(Library)] internal static extern int mng_generator_get_state(GeneratorHandle generator, out IntPtr state);
    [DllImport(Library)] internal static extern int mng_generator_set_state(GeneratorHandle generator, TensorHandle state);
    [DllImport(Library)] internal static extern int mng_cpu_allocator_stats(out int caching, out long cachedBytes, out long limitBytes);
    [DllImport(Library)] internal static extern int mng_cpu_empty_cache();
    [DllImport(Library)] internal static extern int mng_cpu_set_cache_limit(long limitBytes);

    // Lifecycle and metadata.
    [DllImport(Library)] internal static extern int mng_tensor_from_data(void* data, long byteCount, int dtype, long* shape, int ndim, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_tensor_copy_to(TensorHandle tensor, void* destination, long byteCount, int dtype);
    [DllImport(Library)] internal static extern int mng_tensor_write_at(TensorHandle tensor, void* source, long byteCount, long byteOffset, int dtype);
    [DllImport(Library)] internal static extern int mng_tensor_ndim(TensorHandle tensor, out int ndim);
    [DllImport(Library)] internal static extern int mng_tensor_shape(TensorHandle tensor, long* shape, int capacity);
    [DllImport(Library)] internal static extern int mng_tensor_dtype(TensorHandle tensor, out int dtype);
    [DllImport(Library)] internal static extern int mng_tensor_numel(TensorHandle tensor, out long numel);
    [DllImport(Library)] internal static extern int mng_tensor_device(TensorHandle tensor, out int type, out int index);
    [DllImport(Library)] internal static extern int mng_tensor_requires_grad(TensorHandle tensor, out int value);
    [DllImport(Library)] internal static extern int mng_tensor_set_requires_grad(TensorHandle tensor, int value);
    [DllImport(Library)] internal static extern int mng_tensor_grad(TensorHandle tensor, out IntPtr grad);
    [DllImport(Library)] internal static extern int mng_tensor_clear_grad(TensorHandle tensor);
    [DllImport(Library)] internal static extern int mng_tensor_item(TensorHandle tensor, out double value);
    [DllImport(Library)] internal static extern int mng_tensor_item_int64(TensorHandle tensor, out long value);
    [DllImport(Library)] internal static extern int mng_tensor_to(TensorHandle tensor, int deviceType, int deviceIndex, int dtype, out IntPtr result);

    // Factories.
    [DllImport(Library)] internal static extern int mng_zeros(long* shape, int ndim, int dtype, int deviceType, int deviceIndex, int requiresGrad, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_ones(long* shape, int ndim, int dtype, int deviceType, int deviceIndex, int requiresGrad, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_full(long* shape, int ndim, double value, int dtype, int deviceType, int deviceIndex, int requiresGrad, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_rand(long* shape, int ndim, int dtype, int deviceType, int deviceIndex, GeneratorHandle generator, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_randn(long* shape, int ndim, int dtype, int deviceType, int deviceIndex, GeneratorHandle generator, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_randint(long low, long high, long* shape, int ndim, GeneratorHandle generator, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_randperm(long n, GeneratorHandle generator, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_arange(double start, double end, double step, int dtype, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_linspace(double start, double end, long steps, int dtype, out IntPtr result);

    // Unary operations: (input, out result).
    [DllImport(Library)] internal static extern int mng_clone(TensorHandle x, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_detach(TensorHandle x, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_contiguous(TensorHandle x, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_neg(TensorHandle x, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_abs(TensorHandle x, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_relu(TensorHandle x, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_tanh(TensorHandle x, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_sigmoid(TensorHandle x, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_log(TensorHandle x, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_exp(TensorHandle x, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_sqrt(TensorHandle x, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_rsqrt(TensorHandle x, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_square(TensorHandle x, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_sign(TensorHandle x, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_sin(TensorHandle x, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_cos(TensorHandle x, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_floor(TensorHandle x, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_round(TensorHandle x, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_log_sigmoid(TensorHandle x, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_sum(TensorHandle x, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_mean(TensorHandle x, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_max_all(TensorHandle x, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_min_all(TensorHandle x, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_t(TensorHandle x, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_zeros_like(TensorHandle x, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_ones_like(TensorHandle x, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_randn_like(TensorHandle x, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_rand_like(TensorHandle x, out IntPtr result);

    // Binary operations: (left, right, out result).
    [DllImport(Library)] internal static extern int mng_mul(TensorHandle a, TensorHandle b, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_div(TensorHandle a, TensorHandle b, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_pow(TensorHandle a, TensorHandle b, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_matmul(TensorHandle a, TensorHandle b, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_maximum(TensorHandle a, TensorHandle b, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_minimum(TensorHandle a, TensorHandle b, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_eq(TensorHandle a, TensorHandle b, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_ne(TensorHandle a, TensorHandle b, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_lt(TensorHandle a, TensorHandle b, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_le(TensorHandle a, TensorHandle b, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_gt(TensorHandle a, TensorHandle b, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_ge(TensorHandle a, TensorHandle b, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_add(TensorHandle a, TensorHandle b, double alpha, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_sub(TensorHandle a, TensorHandle b, double alpha, out IntPtr result);

    // Tensor-scalar operations: (input, scalar, out result).
    [DllImport(Library)] internal static extern int mng_add_scalar(TensorHandle x, double s, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_sub_scalar(TensorHandle x, double s, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_rsub_scalar(TensorHandle x, double s, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_mul_scalar(TensorHandle x, double s, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_div_scalar(TensorHandle x, double s, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_rdiv_scalar(TensorHandle x, double s, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_pow_scalar(TensorHandle x, double s, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_eq_scalar(TensorHandle x, double s, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_lt_scalar(TensorHandle x, double s, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_le_scalar(TensorHandle x, double s, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_gt_scalar(TensorHandle x, double s, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_ge_scalar(TensorHandle x, double s, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_leaky_relu(TensorHandle x, double slope, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_softmax(TensorHandle x, long dim, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_log_softmax(TensorHandle x, long dim, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_softplus(TensorHandle x, double beta, double threshold, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_clamp(TensorHandle x, int hasMin, double min, int hasMax, double max, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_where(TensorHandle condition, TensorHandle a, TensorHandle b, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_to_dtype(TensorHandle x, int dtype, out IntPtr result);

    // Reductions.
    [DllImport(Library)] internal static extern int mng_sum_dims(TensorHandle x, long* dims, int ndims, int keepdim, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_mean_dims(TensorHandle x, long* dims, int ndims, int keepdim, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_var_dims(TensorHandle x, long* dims, int ndims, int unbiased, int keepdim, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_norm_dims(TensorHandle x, double p, long* dims, int ndims, int keepdim, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_logsumexp(TensorHandle x, long* dims, int ndims, int keepdim, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_max_dim(TensorHandle x, long dim, int keepdim, out IntPtr values, out IntPtr indices);
    [DllImport(Library)] internal static extern int mng_min_dim(TensorHandle x, long dim, int keepdim, out IntPtr values, out IntPtr indices);
    [DllImport(Library)] internal static extern int mng_argmax(TensorHandle x, long dim, int keepdim, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_cdist(TensorHandle a, TensorHandle b, double p, out IntPtr result);

    // Shape.
    [DllImport(Library)] internal static extern int mng_reshape(TensorHandle x, long* shape, int ndim, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_view(TensorHandle x, long* shape, int ndim, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_expand(TensorHandle x, long* shape, int ndim, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_permute(TensorHandle x, long* dims, int ndim, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_repeat(TensorHandle x, long* repeats, int ndim, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_flatten(TensorHandle x, long startDim, long endDim, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_transpose(TensorHandle x, long dim0, long dim1, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_squeeze(TensorHandle x, long dim, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_unsqueeze(TensorHandle x, long dim, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_narrow(TensorHandle x, long dim, long start, long length, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_select(TensorHandle x, long dim, long index, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_index_select(TensorHandle x, long dim, TensorHandle index, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_gather(TensorHandle x, long dim, TensorHandle index, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_adam_step(IntPtr* parameters, IntPtr* expAvgs, IntPtr* expAvgSqs, IntPtr* maxExpAvgSqs, long* steps, int count,
                                                                  double lr, double beta1, double beta2, double eps, double weightDecay);
    // Distributed (c10d over Gloo).
    [DllImport(Library)] internal static extern int mng_dist_init(IntPtr masterAddress, int masterPort, int rank, int worldSize, long timeoutMilliseconds, out IntPtr group);
    [DllImport(Library)] internal static extern void mng_dist_free(IntPtr group);
    [DllImport(Library)] internal static extern int mng_dist_all_reduce(ProcessGroupHandle group, IntPtr* tensors, int count, int op);
    [DllImport(Library)] internal static extern int mng_dist_broadcast(ProcessGroupHandle group, IntPtr* tensors, int count, int root);
    [DllImport(Library)] internal static extern int mng_dist_all_gather(ProcessGroupHandle group, TensorHandle input, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_dist_barrier(ProcessGroupHandle group);
    [DllImport(Library)] internal static extern int mng_cat(IntPtr* tensors, int count, long dim, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_stack(IntPtr* tensors, int count, long dim, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_one_hot(TensorHandle x, long numClasses, out IntPtr result);

    // Neural-network functions. Optional tensors (bias, weights) are passed as null handles.
    [DllImport(Library)] internal static extern int mng_linear(TensorHandle input, TensorHandle weight, TensorHandle bias, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_conv2d(TensorHandle input, TensorHandle weight, TensorHandle bias, long* stride, long* padding, long* dilation, long groups, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_set_conv_transpose_rewrites(int enabled);
    [DllImport(Library)] internal static extern int mng_set_onednn_gemm(int enabled);
    [DllImport(Library)] internal static extern int mng_onednn_gemm_available(out int available);
    [DllImport(Library)] internal static extern int mng_cpu_has_native_bfloat16(out int available);
    [DllImport(Library)] internal static extern int mng_conv_transpose2d(TensorHandle input, TensorHandle weight, TensorHandle bias, long* stride, long* padding, long* outputPadding, long groups, long* dilation, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_batch_norm(TensorHandle input, TensorHandle weight, TensorHandle bias, TensorHandle runningMean, TensorHandle runningVar, int training, double momentum, double eps, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_dropout(TensorHandle input, double p, int training, GeneratorHandle generator, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_embedding(TensorHandle weight, TensorHandle indices, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_max_pool2d(TensorHandle input, long* kernel, long* stride, long* padding, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_avg_pool2d(TensorHandle input, long* kernel, long* stride, long* padding, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_adaptive_avg_pool2d(TensorHandle input, long* outputSize, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_binary_cross_entropy(TensorHandle input, TensorHandle target, TensorHandle weight, int reduction, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_binary_cross_entropy_with_logits(TensorHandle input, TensorHandle target, TensorHandle weight, TensorHandle posWeight, int reduction, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_mse_loss(TensorHandle input, TensorHandle target, int reduction, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_l1_loss(TensorHandle input, TensorHandle target, int reduction, out IntPtr result);
    [DllImport(Library)] internal static extern int mng_cross_entropy(TensorHandle input, TensorHandle target, int reduction, out IntPtr result);

    // In-place operations.
    [DllImport(Library)] internal static extern int mng_zero_(TensorHandle target);
    [DllImport(Library)] internal static extern int mng_sqrt_(TensorHandle target);
    [DllImport(Library)] internal static extern int mng_detach_(TensorHandle target);
    [DllImport(Library)] internal static extern int mng_fill_(TensorHandle target, double value);
    [DllImport(Library)] internal static extern int mng_mul_scalar_(TensorHandle target, double value);
    [DllImport(Library)] internal static extern int mng_add_scalar_(TensorHandle target, double value);
    [DllImport(Library)] internal static extern int mng_add_(TensorHandle target, TensorHandle other, double alpha);
    [DllImport(Library)] internal static extern int mng_mul_(TensorHandle target, TensorHandle other);
    [DllImport(Library)] internal static extern int mng_div_(TensorHandle target, TensorHandle other);
    [DllImport(Library)] internal static extern int mng_copy_(TensorHandle target, TensorHandle source);
    [DllImport(Library)] internal static extern int mng_addcmul_(TensorHandle target, TensorHandle left, TensorHandle right, double value);
    [DllImport(Library)] internal static extern int mng_addcdiv_(TensorHandle target, TensorHandle left, TensorHandle right, double value);
    [DllImport(Library)] internal static extern int mng_lerp_(TensorHandle target, TensorHandle end, double weight);
    [DllImport(Library)] internal static extern int mng_clamp_(TensorHandle target, double min, double max);
    [DllImport(Library)] internal static extern int mng_relu_(TensorHandle target);
    [DllImport(Library)] internal static extern int mng_leaky_relu_(TensorHandle target, double negativeSlope);
    [DllImport(Library)] internal static extern int mng_uniform_(TensorHandle target, double low, double high, GeneratorHandle generator);
    [DllImport(Library)] internal static extern int mng_normal_(TensorHandle target, double mean, double std, GeneratorHandle generator);
    [DllImport(Library)] internal static extern int mng_kaiming_uniform_(TensorHandle target, double a, int mode, int nonlinearity);
    [DllImport(Library)] internal static extern int mng_kaiming_normal_(TensorHandle target, double a, int mode, int nonlinearity);
    [DllImport(Library)] internal static extern int mng_xavier_uniform_(TensorHandle target, double gain);
    [DllImport(Library)] internal static extern int mng_xavier_normal_(TensorHandle target, double gain);

    // Autograd.
    [DllImport(Library)] internal static extern int mng_backward(TensorHandle tensor, TensorHandle gradient, int retainGraph, int createGraph);
    [DllImport(Library)] internal static extern int mng_autograd_grad(IntPtr* outputs, int outputCount, IntPtr* inputs, int inputCount, IntPtr* gradOutputs, int gradOutputCount, int retainGraph, int createGraph, IntPtr* results);
}
