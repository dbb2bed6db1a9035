#pragma warning disable CS8981 // 'torch' is lower-case on purpose: code reads like PyTorch and TorchSharp.
using N = MLNetGan.Torch.Interop.NativeMethods;

namespace MLNetGan.Torch;

/// <summary>Entry point mirroring PyTorch's <c>torch</c> namespace: factories, seeding, threads, grad modes.</summary>
public static unsafe partial class torch
{
    /// <summary>Opens a <see cref="DisposeScope"/> on this thread; dispose it to free the tensors created inside.</summary>
    public static DisposeScope NewDisposeScope() => new();

    /// <summary>
    /// How many native tensor handles exist right now (created and not yet disposed or finalized).
    /// A diagnostic for leak hunting: it should return to its earlier value after a scope closes.
    /// </summary>
    public static long LiveTensorCount => N.mng_live_tensor_count();

    /// <summary>Seeds libtorch's global CPU (and CUDA, when present) generators.</summary>
    public static void manual_seed(ulong seed) => TorchException.Check(N.mng_manual_seed(seed));

    /// <summary>
    /// Until the returned object is disposed, random draws on this thread that name no generator (rand,
    /// randn, randint, randperm, uniform_, normal_, dropout, layer initialization) use <paramref name="generator"/>
    /// instead of libtorch's global one. An MLNetGan extension: it lets one training run own all of its
    /// randomness while other threads draw too. Scopes nest; the previous one returns on dispose.
    /// </summary>
    public static IDisposable use_generator(Generator generator) => Generator.Use(generator);

    /// <summary>The global CPU generator's state (weight initialization, dropout), as <c>torch.get_rng_state()</c>.</summary>
    public static Tensor get_rng_state() => Tensor.FromStatus(N.mng_generator_get_state(Interop.GeneratorHandle.Null, out var r), r);

    /// <summary>Restores the global CPU generator's state, as <c>torch.set_rng_state(state)</c>.</summary>
    /// <exception cref="TorchException">The tensor is not a generator state.</exception>
    public static void set_rng_state(Tensor state)
    {
        ArgumentNullException.ThrowIfNull(state);
        TorchException.Check(N.mng_generator_set_state(Interop.GeneratorHandle.Null, state.Handle));
    }

    /// <summary>Sets how many threads one operation may use (intra-op parallelism).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is below 1.</exception>
    public static void set_num_threads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        TorchException.Check(N.mng_set_num_threads(threads));
    }

    /// <summary>The current intra-op thread count.</summary>
    public static int get_num_threads()
    {
        TorchException.Check(N.mng_get_num_threads(out var threads));
        return threads;
    }

    /// <summary>Backend switches.</summary>
    public static class backends
    {
        /// <summary>CPU kernels.</summary>
        public static class cpu
        {
            private static bool rewriteConvTranspose = true;

            /// <summary>
            /// The OpenBLAS kernel family libtorch's float matrix products run on (for example "Cooperlake" or "SkylakeX"
            /// for AVX-512, "Haswell" for AVX2), or null when libtorch's BLAS is not OpenBLAS. OpenBLAS chooses it from the
            /// CPU when it loads, unless the environment variable <c>OPENBLAS_CORETYPE</c> names one.
            /// </summary>
            public static string? blas_kernels
            {
                get
                {
                    TorchException.Check(N.mng_get_num_threads(out _)); // loads the shim, and with it libtorch and OpenBLAS
                    return Interop.BlasKernels.LoadedCoreName();
                }
            }

            /// <summary>
            /// Whether this CPU multiplies bfloat16 in hardware (AVX512-BF16 or AMX-BF16), where products inside
            /// <see cref="autocast"/> run faster than float32 ones; elsewhere oneDNN converts and gains little or nothing.
            /// </summary>
            public static bool native_bfloat16
            {
                get
                {
                    TorchException.Check(N.mng_cpu_has_native_bfloat16(out var available));
                    return available != 0;
                }
            }

            /// <summary>
            /// Whether <c>conv_transpose2d</c> uses exact, faster formulations (a matrix product for 1x1 inputs; oneDNN's
            /// convolution kernels, forward and backward, when both sides have at least 8 channels) instead of libtorch's
            /// <c>slow_conv_transpose2d</c>. Results agree with libtorch's operator to float rounding. Process-wide; default true.
            /// BFloat16 inputs always take the oneDNN formulation: libtorch 1.13 has no working bfloat16 transposed convolution on the CPU.
            /// </summary>
            public static bool fast_conv_transpose
            {
                get => rewriteConvTranspose;
                set
                {
                    TorchException.Check(N.mng_set_conv_transpose_rewrites(value ? 1 : 0));
                    rewriteConvTranspose = value;
                }
            }

            private static bool oneDnnGemm = true;

            /// <summary>
            /// Whether float32 matrix products on the CPU (<c>linear</c>, 2-D <c>matmul</c>, and <c>conv_transpose2d</c> of
            /// 1x1 inputs) run on oneDNN's GEMM, forward and backward to any order, instead of libtorch's BLAS (OpenBLAS in
            /// Debian's build), which is slower on the small products of fully connected layers. Results agree with libtorch's
            /// operators to float rounding. Takes effect only where <see cref="onednn_gemm_available"/>; inside
            /// <see cref="autocast"/> libtorch's own path runs. Process-wide; default true.
            /// </summary>
            public static bool onednn_gemm
            {
                get => oneDnnGemm;
                set
                {
                    TorchException.Check(N.mng_set_onednn_gemm(value ? 1 : 0));
                    oneDnnGemm = value;
                }
            }

            /// <summary>Whether oneDNN's GEMM (libdnnl.so.2, which libtorch's convolutions already use) could be loaded.</summary>
            public static bool onednn_gemm_available
            {
                get
                {
                    TorchException.Check(N.mng_onednn_gemm_available(out var available));
                    return available != 0;
                }
            }
        }
    }

    /// <summary>
    /// CPU memory. Every CPU tensor comes from the shim's caching allocator: a freed block of 64 KiB or more is kept
    /// and handed to the next request of its size class, on any thread, so a training step reuses the previous step's
    /// pages instead of faulting in fresh ones. This mirrors what <c>torch.cuda.empty_cache()</c> and
    /// <c>torch.cuda.memory_reserved()</c> expose for PyTorch's GPU allocator. The environment variable
    /// <c>MLNETGAN_MALLOC=system</c> (read when the library loads) keeps libtorch's own allocator instead.
    /// </summary>
    public static class cpu
    {
        /// <summary>Whether the caching allocator is in use (false when <c>MLNETGAN_MALLOC=system</c>).</summary>
        public static bool caching_allocator_enabled => Stats().Caching != 0;

        /// <summary>Bytes held in the cache: freed blocks kept for reuse (not tensors in use).</summary>
        public static long memory_cached() => Stats().Cached;

        /// <summary>The most freed bytes the cache keeps; a block freed beyond it goes back to the system. Default 2 GiB.</summary>
        public static long get_cache_limit() => Stats().Limit;

        /// <summary>Sets <see cref="get_cache_limit"/>; 0 turns caching off. A limit below what is cached now empties the cache.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="bytes"/> is negative.</exception>
        public static void set_cache_limit(long bytes)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(bytes);
            TorchException.Check(N.mng_cpu_set_cache_limit(bytes));
        }

        /// <summary>Returns every cached block to the system (tensors in use are untouched), as <c>torch.cuda.empty_cache()</c> does.</summary>
        public static void empty_cache() => TorchException.Check(N.mng_cpu_empty_cache());

        private static (int Caching, long Cached, long Limit) Stats()
        {
            TorchException.Check(N.mng_cpu_allocator_stats(out var caching, out var cached, out var limit));
            return (caching, cached, limit);
        }
    }

    /// <summary>CUDA queries.</summary>
    public static class cuda
    {
        /// <summary>True when libtorch was built with CUDA and a device is visible (never, with Debian's libtorch).</summary>
        public static bool is_available()
        {
            TorchException.Check(N.mng_cuda_is_available(out var available));
            return available != 0;
        }

        /// <summary>The number of visible CUDA devices.</summary>
        public static int device_count()
        {
            TorchException.Check(N.mng_cuda_device_count(out var count));
            return count;
        }
    }

    /// <summary>Disables gradient recording on this thread until the returned object is disposed.</summary>
    public static IDisposable no_grad() => new GradModeGuard(false);

    /// <summary>Enables gradient recording on this thread until the returned object is disposed.</summary>
    public static IDisposable enable_grad() => new GradModeGuard(true);

    /// <summary>Enters libtorch's inference mode (no autograd bookkeeping at all) until disposed; dispose on the same thread.</summary>
    public static IDisposable inference_mode() => new InferenceModeGuard();

    /// <summary>Whether gradient recording is enabled on this thread.</summary>
    public static bool is_grad_enabled()
    {
        TorchException.Check(N.mng_set_grad_enabled(1, out var previous));
        TorchException.Check(N.mng_set_grad_enabled(previous, out _));
        return previous != 0;
    }

    private sealed class GradModeGuard : IDisposable
    {
        private readonly int previous;
        private bool disposed;

        public GradModeGuard(bool enabled) => TorchException.Check(N.mng_set_grad_enabled(enabled ? 1 : 0, out previous));

        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            TorchException.Check(N.mng_set_grad_enabled(previous, out _));
        }
    }

    private sealed class InferenceModeGuard : IDisposable
    {
        private IntPtr guard;

        public InferenceModeGuard() => TorchException.Check(N.mng_inference_mode_enter(out guard));

        public void Dispose()
        {
            if (guard == IntPtr.Zero) return;
            var g = guard;
            guard = IntPtr.Zero;
            TorchException.Check(N.mng_inference_mode_exit(g));
        }
    }

    // ------------------------------------------------------------- factories

    /// <summary>A CPU tensor holding a copy of <paramref name="values"/>; shape defaults to 1-D.</summary>
    /// <exception cref="TorchException">The shape does not match the number of values.</exception>
    public static Tensor tensor<T>(T[] values, params long[] shape) where T : unmanaged =>
        Tensor.FromSpan<T>(values, shape.Length == 0 ? new long[] { values.Length } : shape);

    /// <summary>A CPU tensor holding a copy of <paramref name="values"/> with the given shape.</summary>
    public static Tensor tensor<T>(ReadOnlySpan<T> values, ReadOnlySpan<long> shape) where T : unmanaged => Tensor.FromSpan(values, shape);

    /// <summary>A 0-D tensor holding <paramref name="value"/>.</summary>
    public static Tensor scalar_tensor(double value, ScalarType dtype = ScalarType.Float32) => full(Array.Empty<long>(), value, dtype);

    /// <summary>Zeros of the given shape.</summary>
    public static Tensor zeros(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requires_grad = false)
    {
        var d = device ?? Device.CPU;
        fixed (long* s = shape) return Tensor.FromStatus(N.mng_zeros(s, shape.Length, (int)dtype, (int)d.Type, d.Index, requires_grad ? 1 : 0, out var r), r);
    }

    /// <summary>Zeros of the given shape (Float32, CPU).</summary>
    public static Tensor zeros(params long[] shape) => zeros(shape, ScalarType.Float32);

    /// <summary>Ones of the given shape.</summary>
    public static Tensor ones(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requires_grad = false)
    {
        var d = device ?? Device.CPU;
        fixed (long* s = shape) return Tensor.FromStatus(N.mng_ones(s, shape.Length, (int)dtype, (int)d.Type, d.Index, requires_grad ? 1 : 0, out var r), r);
    }

    /// <summary>Ones of the given shape (Float32, CPU).</summary>
    public static Tensor ones(params long[] shape) => ones(shape, ScalarType.Float32);

    /// <summary>A tensor of the given shape filled with <paramref name="value"/>.</summary>
    public static Tensor full(long[] shape, double value, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requires_grad = false)
    {
        var d = device ?? Device.CPU;
        fixed (long* s = shape) return Tensor.FromStatus(N.mng_full(s, shape.Length, value, (int)dtype, (int)d.Type, d.Index, requires_grad ? 1 : 0, out var r), r);
    }

    /// <summary>U[0, 1) samples.</summary>
    public static Tensor rand(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null, Generator? generator = null)
    {
        var d = device ?? Device.CPU;
        fixed (long* s = shape) return Tensor.FromStatus(N.mng_rand(s, shape.Length, (int)dtype, (int)d.Type, d.Index, Tensor.HandleOf(generator), out var r), r);
    }

    /// <summary>U[0, 1) samples (Float32, CPU, global generator).</summary>
    public static Tensor rand(params long[] shape) => rand(shape, ScalarType.Float32);

    /// <summary>Standard normal samples.</summary>
    public static Tensor randn(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null, Generator? generator = null)
    {
        var d = device ?? Device.CPU;
        fixed (long* s = shape) return Tensor.FromStatus(N.mng_randn(s, shape.Length, (int)dtype, (int)d.Type, d.Index, Tensor.HandleOf(generator), out var r), r);
    }

    /// <summary>Standard normal samples (Float32, CPU, global generator).</summary>
    public static Tensor randn(params long[] shape) => randn(shape, ScalarType.Float32);

    /// <summary>Int64 samples uniform on [low, high).</summary>
    public static Tensor randint(long low, long high, long[] shape, Generator? generator = null)
    {
        fixed (long* s = shape) return Tensor.FromStatus(N.mng_randint(low, high, s, shape.Length, Tensor.HandleOf(generator), out var r), r);
    }

    /// <summary>A random permutation of 0..n-1 (Int64).</summary>
    public static Tensor randperm(long n, Generator? generator = null) => Tensor.FromStatus(N.mng_randperm(n, Tensor.HandleOf(generator), out var r), r);

    /// <summary>Values from <paramref name="start"/> up to (not including) <paramref name="end"/>.</summary>
    public static Tensor arange(double start, double end, double step = 1, ScalarType dtype = ScalarType.Int64) =>
        Tensor.FromStatus(N.mng_arange(start, end, step, (int)dtype, out var r), r);

    /// <summary><paramref name="steps"/> evenly spaced values from <paramref name="start"/> to <paramref name="end"/> inclusive.</summary>
    public static Tensor linspace(double start, double end, long steps, ScalarType dtype = ScalarType.Float32) =>
        Tensor.FromStatus(N.mng_linspace(start, end, steps, (int)dtype, out var r), r);

    /// <summary>Zeros shaped like <paramref name="other"/>.</summary>
    public static Tensor zeros_like(Tensor other) => Tensor.FromStatus(N.mng_zeros_like(other.Handle, out var r), r);
    /// <summary>Ones shaped like <paramref name="other"/>.</summary>
    public static Tensor ones_like(Tensor other) => Tensor.FromStatus(N.mng_ones_like(other.Handle, out var r), r);
    /// <summary>Standard normal samples shaped like <paramref name="other"/>.</summary>
    public static Tensor randn_like(Tensor other) => Tensor.FromStatus(N.mng_randn_like(other.Handle, out var r), r);
    /// <summary>U[0, 1) samples shaped like <paramref name="other"/>.</summary>
    public static Tensor rand_like(Tensor other) => Tensor.FromStatus(N.mng_rand_like(other.Handle, out var r), r);

    // ------------------------------------------------------------ combinators

    private static Tensor Combine(delegate*<IntPtr*, int, long, out IntPtr, int> op, IReadOnlyList<Tensor> tensors, long dim)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var pointers = Tensor.AddRefAll(tensors, out var added);
        try
        {
            fixed (IntPtr* p = pointers) return Tensor.FromStatus(op(p, pointers.Length, dim, out var r), r);
        }
        finally
        {
            Tensor.ReleaseAll(tensors, added);
        }
    }

    /// <summary>Concatenates along an existing dimension.</summary>
    public static Tensor cat(IReadOnlyList<Tensor> tensors, long dim = 0) => Combine(&N.mng_cat, tensors, dim);

    /// <summary>Stacks along a new dimension.</summary>
    public static Tensor stack(IReadOnlyList<Tensor> tensors, long dim = 0) => Combine(&N.mng_stack, tensors, dim);

    /// <summary>Picks from <paramref name="whenTrue"/> where <paramref name="condition"/> holds, else from <paramref name="whenFalse"/>.</summary>
    public static Tensor where(Tensor condition, Tensor whenTrue, Tensor whenFalse) =>
        Tensor.FromStatus(N.mng_where(condition.Handle, whenTrue.Handle, whenFalse.Handle, out var r), r);

    /// <summary>Pairwise p-norm distances between the rows of two batches.</summary>
    public static Tensor cdist(Tensor left, Tensor right, double p = 2) => Tensor.FromStatus(N.mng_cdist(left.Handle, right.Handle, p, out var r), r);

    /// <summary>Automatic differentiation.</summary>
    public static class autograd
    {
        /// <summary>
        /// Gradients of <paramref name="outputs"/> with respect to <paramref name="inputs"/>, without touching <c>.grad</c>.
        /// With <paramref name="createGraph"/> the result is itself differentiable (gradient penalties need this).
        /// </summary>
        /// <param name="outputs">Tensors to differentiate.</param>
        /// <param name="inputs">Tensors to differentiate with respect to; each must take part in computing the outputs.</param>
        /// <param name="gradOutputs">Vector for the vector-Jacobian product, one per output; null means ones for scalar outputs.</param>
        /// <param name="retainGraph">Keep the graph for another backward pass (defaults to <paramref name="createGraph"/>).</param>
        /// <param name="createGraph">Record the gradient computation so it can be differentiated again.</param>
        public static Tensor[] grad(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor>? gradOutputs = null,
                                    bool? retainGraph = null, bool createGraph = false)
        {
            ArgumentNullException.ThrowIfNull(outputs);
            ArgumentNullException.ThrowIfNull(inputs);
            var grads = gradOutputs ?? Array.Empty<Tensor>();
            var outPtrs = Tensor.AddRefAll(outputs, out var outAdded);
            var inPtrs = Tensor.AddRefAll(inputs, out var inAdded);
            var gradPtrs = Tensor.AddRefAll(grads, out var gradAdded);
            var results = new IntPtr[inputs.Count];
            try
            {
                fixed (IntPtr* o = outPtrs)
                fixed (IntPtr* i = inPtrs)
                fixed (IntPtr* g = gradPtrs)
                fixed (IntPtr* r = results)
                {
                    TorchException.Check(N.mng_autograd_grad(o, outPtrs.Length, i, inPtrs.Length, g, gradPtrs.Length,
                        (retainGraph ?? createGraph) ? 1 : 0, createGraph ? 1 : 0, r));
                }
            }
            finally
            {
                Tensor.ReleaseAll(outputs, outAdded);
                Tensor.ReleaseAll(inputs, inAdded);
                Tensor.ReleaseAll(grads, gradAdded);
            }
            return results.Select(p => new Tensor(p)).ToArray();
        }
    }
}
