#pragma warning disable CS8981 // lower-case names mirror torch.nn.functional
using N = MLNetGan.Torch.Interop.NativeMethods;

namespace MLNetGan.Torch;

/// <summary>How a loss reduces its per-element values; the values are libtorch's.</summary>
public enum Reduction
{
    /// <summary>Return every per-element loss.</summary>
    None = 0,
    /// <summary>Average them.</summary>
    Mean = 1,
    /// <summary>Add them up.</summary>
    Sum = 2,
}

public static unsafe partial class torch
{
    /// <summary>Neural-network building blocks, as <c>torch.nn</c>.</summary>
    public static partial class nn
    {
        /// <summary>Stateless functions, as <c>torch.nn.functional</c>.</summary>
        public static class functional
        {
            /// <summary>x W^T + b (in bfloat16 inside a <see cref="torch.autocast"/> scope).</summary>
            public static Tensor linear(Tensor input, Tensor weight, Tensor? bias = null) =>
                Autocast.Apply(input, weight, bias, static (x, w, b) => Tensor.FromStatus(N.mng_linear(x.Handle, w.Handle, Tensor.HandleOf(b), out var r), r));

            /// <summary>2-D convolution of an (N, C, H, W) batch (in bfloat16 inside a <see cref="torch.autocast"/> scope).</summary>
            public static Tensor conv2d(Tensor input, Tensor weight, Tensor? bias = null, (long, long)? stride = null,
                                        (long, long)? padding = null, (long, long)? dilation = null, long groups = 1)
            {
                var s = Pair(stride ?? (1, 1));
                var p = Pair(padding ?? (0, 0));
                var d = Pair(dilation ?? (1, 1));
                return Autocast.Apply(input, weight, bias, (x, w, b) =>
                {
                    fixed (long* sp = s, pp = p, dp = d)
                    {
                        return Tensor.FromStatus(N.mng_conv2d(x.Handle, w.Handle, Tensor.HandleOf(b), sp, pp, dp, groups, out var r), r);
                    }
                });
            }

            /// <summary>2-D transposed convolution ("deconvolution") of an (N, C, H, W) batch (in bfloat16 inside a <see cref="torch.autocast"/> scope).</summary>
            public static Tensor conv_transpose2d(Tensor input, Tensor weight, Tensor? bias = null, (long, long)? stride = null,
                                                  (long, long)? padding = null, (long, long)? outputPadding = null, long groups = 1,
                                                  (long, long)? dilation = null)
            {
                var s = Pair(stride ?? (1, 1));
                var p = Pair(padding ?? (0, 0));
                var o = Pair(outputPadding ?? (0, 0));
                var d = Pair(dilation ?? (1, 1));
                return Autocast.Apply(input, weight, bias, (x, w, b) =>
                {
                    fixed (long* sp = s, pp = p, op = o, dp = d)
                    {
                        return Tensor.FromStatus(N.mng_conv_transpose2d(x.Handle, w.Handle, Tensor.HandleOf(b), sp, pp, op, groups, dp, out var r), r);
                    }
                });
            }

            /// <summary>Batch normalization; when <paramref name="training"/>, batch statistics are used and the running ones updated in place.</summary>
            public static Tensor batch_norm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
                                            bool training = false, double momentum = 0.1, double eps = 1e-5) =>
                Tensor.FromStatus(N.mng_batch_norm(input.Handle, Tensor.HandleOf(weight), Tensor.HandleOf(bias), Tensor.HandleOf(runningMean),
                    Tensor.HandleOf(runningVar), training ? 1 : 0, momentum, eps, out var r), r);

            /// <summary>Zeroes elements with probability <paramref name="p"/> and scales the rest by 1/(1-p) when <paramref name="training"/>.</summary>
            public static Tensor dropout(Tensor input, double p = 0.5, bool training = true)
            {
                if (p < 0 || p > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout probability must be in [0, 1].");
                return Tensor.FromStatus(N.mng_dropout(input.Handle, p, training ? 1 : 0, Generator.HandleFor(null), out var r), r);
            }

            /// <summary>Rows of <paramref name="weight"/> picked by Int64 <paramref name="indices"/>.</summary>
            public static Tensor embedding(Tensor indices, Tensor weight) =>
                Tensor.FromStatus(N.mng_embedding(weight.Handle, indices.Handle, out var r), r);

            /// <summary>2-D max pooling.</summary>
            public static Tensor max_pool2d(Tensor input, (long, long) kernel, (long, long)? stride = null, (long, long)? padding = null)
            {
                var k = Pair(kernel);
                var s = Pair(stride ?? kernel);
                var p = Pair(padding ?? (0, 0));
                fixed (long* kp = k, sp = s, pp = p) return Tensor.FromStatus(N.mng_max_pool2d(input.Handle, kp, sp, pp, out var r), r);
            }

            /// <summary>2-D average pooling.</summary>
            public static Tensor avg_pool2d(Tensor input, (long, long) kernel, (long, long)? stride = null, (long, long)? padding = null)
            {
                var k = Pair(kernel);
                var s = Pair(stride ?? kernel);
                var p = Pair(padding ?? (0, 0));
                fixed (long* kp = k, sp = s, pp = p) return Tensor.FromStatus(N.mng_avg_pool2d(input.Handle, kp, sp, pp, out var r), r);
            }

            /// <summary>Average pooling to a fixed output size.</summary>
            public static Tensor adaptive_avg_pool2d(Tensor input, (long, long) outputSize)
            {
                var o = Pair(outputSize);
                fixed (long* op = o) return Tensor.FromStatus(N.mng_adaptive_avg_pool2d(input.Handle, op, out var r), r);
            }

            /// <summary>One-hot encoding of Int64 class indices.</summary>
            public static Tensor one_hot(Tensor indices, long numClasses = -1) =>
                Tensor.FromStatus(N.mng_one_hot(indices.Handle, numClasses, out var r), r);

            /// <summary>Binary cross-entropy between probabilities <paramref name="input"/> and <paramref name="target"/>.</summary>
            public static Tensor binary_cross_entropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean) =>
                Tensor.FromStatus(N.mng_binary_cross_entropy(input.Handle, target.Handle, Tensor.HandleOf(weight), (int)reduction, out var r), r);

            /// <summary>Binary cross-entropy on logits (sigmoid folded in, numerically stable).</summary>
            public static Tensor binary_cross_entropy_with_logits(Tensor input, Tensor target, Tensor? weight = null, Tensor? posWeight = null,
                                                                  Reduction reduction = Reduction.Mean) =>
                Tensor.FromStatus(N.mng_binary_cross_entropy_with_logits(input.Handle, target.Handle, Tensor.HandleOf(weight), Tensor.HandleOf(posWeight),
                    (int)reduction, out var r), r);

            /// <summary>Mean squared error.</summary>
            public static Tensor mse_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
                Tensor.FromStatus(N.mng_mse_loss(input.Handle, target.Handle, (int)reduction, out var r), r);

            /// <summary>Mean absolute error.</summary>
            public static Tensor l1_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
                Tensor.FromStatus(N.mng_l1_loss(input.Handle, target.Handle, (int)reduction, out var r), r);

            /// <summary>Cross-entropy between logits (N, C) and Int64 class indices (N).</summary>
            public static Tensor cross_entropy(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
                Tensor.FromStatus(N.mng_cross_entropy(input.Handle, target.Handle, (int)reduction, out var r), r);

            private static long[] Pair((long, long) value) => new[] { value.Item1, value.Item2 };
        }

        /// <summary>In-place parameter initializers, as <c>torch.nn.init</c>.</summary>
        public static class init
        {
            /// <summary>Fills with U(low, high).</summary>
            public static Tensor uniform_(Tensor tensor, double low = 0, double high = 1) => tensor.uniform_(low, high);
            /// <summary>Fills with N(mean, std²).</summary>
            public static Tensor normal_(Tensor tensor, double mean = 0, double std = 1) => tensor.normal_(mean, std);
            /// <summary>Fills with zeros.</summary>
            public static Tensor zeros_(Tensor tensor) => tensor.zero_();
            /// <summary>Fills with ones.</summary>
            public static Tensor ones_(Tensor tensor) => tensor.fill_(1);

            /// <summary>He uniform initialization (PyTorch's <c>kaiming_uniform_</c>). Draws from libtorch's global generator, as PyTorch 1.13's does (<see cref="torch.use_generator"/> does not reach it).</summary>
            public static Tensor kaiming_uniform_(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn, NonlinearityType nonlinearity = NonlinearityType.LeakyReLU)
            {
                TorchException.Check(N.mng_kaiming_uniform_(tensor.Handle, a, (int)mode, (int)nonlinearity));
                return tensor;
            }

            /// <summary>He normal initialization (PyTorch's <c>kaiming_normal_</c>). Draws from libtorch's global generator, as PyTorch 1.13's does (<see cref="torch.use_generator"/> does not reach it).</summary>
            public static Tensor kaiming_normal_(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn, NonlinearityType nonlinearity = NonlinearityType.LeakyReLU)
            {
                TorchException.Check(N.mng_kaiming_normal_(tensor.Handle, a, (int)mode, (int)nonlinearity));
                return tensor;
            }

            /// <summary>Glorot uniform initialization. Draws from libtorch's global generator, as PyTorch 1.13's does (<see cref="torch.use_generator"/> does not reach it).</summary>
            public static Tensor xavier_uniform_(Tensor tensor, double gain = 1)
            {
                TorchException.Check(N.mng_xavier_uniform_(tensor.Handle, gain));
                return tensor;
            }

            /// <summary>Glorot normal initialization. Draws from libtorch's global generator, as PyTorch 1.13's does (<see cref="torch.use_generator"/> does not reach it).</summary>
            public static Tensor xavier_normal_(Tensor tensor, double gain = 1)
            {
                TorchException.Check(N.mng_xavier_normal_(tensor.Handle, gain));
                return tensor;
            }

            /// <summary>Which fan the Kaiming initializers scale by.</summary>
            public enum FanMode
            {
                /// <summary>Inputs per unit (preserves forward variance).</summary>
                FanIn = 0,
                /// <summary>Outputs per unit (preserves backward variance).</summary>
                FanOut = 1,
            }

            /// <summary>The nonlinearity the Kaiming gain is computed for.</summary>
            public enum NonlinearityType
            {
                /// <summary>Leaky ReLU with slope <c>a</c>.</summary>
                LeakyReLU = 0,
                /// <summary>ReLU.</summary>
                ReLU = 1,
                /// <summary>Identity.</summary>
                Linear = 2,
                /// <summary>Tanh.</summary>
                Tanh = 3,
                /// <summary>Sigmoid.</summary>
                Sigmoid = 4,
            }
        }
    }
}
