using MLNetGan.Torch.Interop;
using N = MLNetGan.Torch.Interop.NativeMethods;

namespace MLNetGan.Torch;

// Element-wise, reduction and shape operations. Each returns a new tensor attached to the
// current DisposeScope; methods ending in '_' modify this tensor in place and return it.
public sealed unsafe partial class Tensor
{
    private Tensor Unary(delegate*<TensorHandle, out IntPtr, int> op) => FromStatus(op(Handle, out var r), r);

    private Tensor Binary(delegate*<TensorHandle, TensorHandle, out IntPtr, int> op, Tensor other) =>
        FromStatus(op(Handle, (other ?? throw new ArgumentNullException(nameof(other))).Handle, out var r), r);

    private Tensor WithScalar(delegate*<TensorHandle, double, out IntPtr, int> op, double scalar) => FromStatus(op(Handle, scalar, out var r), r);

    private Tensor WithDim(delegate*<TensorHandle, long, out IntPtr, int> op, long dim) => FromStatus(op(Handle, dim, out var r), r);

    private Tensor InPlace(int status)
    {
        TorchException.Check(status);
        return this;
    }

    /// <summary>A copy with its own storage, still connected to the autograd graph.</summary>
    public Tensor clone() => Unary(&N.mng_clone);
    /// <summary>The same data, cut from the autograd graph.</summary>
    public Tensor detach() => Unary(&N.mng_detach);
    /// <summary>A row-major copy if this tensor is not already contiguous.</summary>
    public Tensor contiguous() => Unary(&N.mng_contiguous);
    /// <summary>-x.</summary>
    public Tensor neg() => Unary(&N.mng_neg);
    /// <summary>|x|.</summary>
    public Tensor abs() => Unary(&N.mng_abs);
    /// <summary>max(x, 0).</summary>
    public Tensor relu() => Unary(&N.mng_relu);
    /// <summary>Hyperbolic tangent.</summary>
    public Tensor tanh() => Unary(&N.mng_tanh);
    /// <summary>Logistic sigmoid.</summary>
    public Tensor sigmoid() => Unary(&N.mng_sigmoid);
    /// <summary>Natural logarithm.</summary>
    public Tensor log() => Unary(&N.mng_log);
    /// <summary>e^x.</summary>
    public Tensor exp() => Unary(&N.mng_exp);
    /// <summary>Square root.</summary>
    public Tensor sqrt() => Unary(&N.mng_sqrt);
    /// <summary>1 / sqrt(x).</summary>
    public Tensor rsqrt() => Unary(&N.mng_rsqrt);
    /// <summary>x * x.</summary>
    public Tensor square() => Unary(&N.mng_square);
    /// <summary>-1, 0 or 1 by sign.</summary>
    public Tensor sign() => Unary(&N.mng_sign);
    /// <summary>Sine.</summary>
    public Tensor sin() => Unary(&N.mng_sin);
    /// <summary>Cosine.</summary>
    public Tensor cos() => Unary(&N.mng_cos);
    /// <summary>Rounds down.</summary>
    public Tensor floor() => Unary(&N.mng_floor);
    /// <summary>Rounds half to even.</summary>
    public Tensor round() => Unary(&N.mng_round);
    /// <summary>log(sigmoid(x)), computed stably.</summary>
    public Tensor log_sigmoid() => Unary(&N.mng_log_sigmoid);
    /// <summary>The sum of all elements (a 0-D tensor).</summary>
    public Tensor sum() => Unary(&N.mng_sum);
    /// <summary>The mean of all elements (a 0-D tensor).</summary>
    public Tensor mean() => Unary(&N.mng_mean);
    /// <summary>The largest element (a 0-D tensor).</summary>
    public Tensor max() => Unary(&N.mng_max_all);
    /// <summary>The smallest element (a 0-D tensor).</summary>
    public Tensor min() => Unary(&N.mng_min_all);
    /// <summary>Transpose of a 2-D tensor.</summary>
    public Tensor t() => Unary(&N.mng_t);

    /// <summary>this + alpha * other, broadcasting.</summary>
    public Tensor add(Tensor other, double alpha = 1) => FromStatus(N.mng_add(Handle, other.Handle, alpha, out var r), r);
    /// <summary>this - alpha * other, broadcasting.</summary>
    public Tensor sub(Tensor other, double alpha = 1) => FromStatus(N.mng_sub(Handle, other.Handle, alpha, out var r), r);
    /// <summary>Element-wise product, broadcasting.</summary>
    public Tensor mul(Tensor other) => Binary(&N.mng_mul, other);
    /// <summary>Element-wise quotient, broadcasting.</summary>
    public Tensor div(Tensor other) => Binary(&N.mng_div, other);
    /// <summary>Element-wise power.</summary>
    public Tensor pow(Tensor exponent) => Binary(&N.mng_pow, exponent);
    /// <summary>Matrix product with PyTorch's broadcasting rules.</summary>
    public Tensor matmul(Tensor other) => Binary(&N.mng_matmul, other);
    /// <summary>Element-wise maximum.</summary>
    public Tensor maximum(Tensor other) => Binary(&N.mng_maximum, other);
    /// <summary>Element-wise minimum.</summary>
    public Tensor minimum(Tensor other) => Binary(&N.mng_minimum, other);
    /// <summary>Element-wise ==, as a Bool tensor.</summary>
    public Tensor eq(Tensor other) => Binary(&N.mng_eq, other);
    /// <summary>Element-wise !=, as a Bool tensor.</summary>
    public Tensor ne(Tensor other) => Binary(&N.mng_ne, other);
    /// <summary>Element-wise &lt;, as a Bool tensor.</summary>
    public Tensor lt(Tensor other) => Binary(&N.mng_lt, other);
    /// <summary>Element-wise &lt;=, as a Bool tensor.</summary>
    public Tensor le(Tensor other) => Binary(&N.mng_le, other);
    /// <summary>Element-wise &gt;, as a Bool tensor.</summary>
    public Tensor gt(Tensor other) => Binary(&N.mng_gt, other);
    /// <summary>Element-wise &gt;=, as a Bool tensor.</summary>
    public Tensor ge(Tensor other) => Binary(&N.mng_ge, other);

    /// <summary>this + scalar.</summary>
    public Tensor add(double scalar) => WithScalar(&N.mng_add_scalar, scalar);
    /// <summary>this - scalar.</summary>
    public Tensor sub(double scalar) => WithScalar(&N.mng_sub_scalar, scalar);
    /// <summary>this * scalar.</summary>
    public Tensor mul(double scalar) => WithScalar(&N.mng_mul_scalar, scalar);
    /// <summary>this / scalar.</summary>
    public Tensor div(double scalar) => WithScalar(&N.mng_div_scalar, scalar);
    /// <summary>this ^ exponent.</summary>
    public Tensor pow(double exponent) => WithScalar(&N.mng_pow_scalar, exponent);
    /// <summary>Element-wise == scalar.</summary>
    public Tensor eq(double scalar) => WithScalar(&N.mng_eq_scalar, scalar);
    /// <summary>Element-wise &lt; scalar.</summary>
    public Tensor lt(double scalar) => WithScalar(&N.mng_lt_scalar, scalar);
    /// <summary>Element-wise &lt;= scalar.</summary>
    public Tensor le(double scalar) => WithScalar(&N.mng_le_scalar, scalar);
    /// <summary>Element-wise &gt; scalar.</summary>
    public Tensor gt(double scalar) => WithScalar(&N.mng_gt_scalar, scalar);
    /// <summary>Element-wise &gt;= scalar.</summary>
    public Tensor ge(double scalar) => WithScalar(&N.mng_ge_scalar, scalar);

    /// <summary>max(x, 0) + negativeSlope * min(x, 0).</summary>
    public Tensor leaky_relu(double negativeSlope = 0.01) => WithScalar(&N.mng_leaky_relu, negativeSlope);
    /// <summary>Softmax along <paramref name="dim"/>.</summary>
    public Tensor softmax(long dim) => WithDim(&N.mng_softmax, dim);
    /// <summary>Log-softmax along <paramref name="dim"/>.</summary>
    public Tensor log_softmax(long dim) => WithDim(&N.mng_log_softmax, dim);
    /// <summary>log(1 + exp(beta x)) / beta, linear above <paramref name="threshold"/>.</summary>
    public Tensor softplus(double beta = 1, double threshold = 20) => FromStatus(N.mng_softplus(Handle, beta, threshold, out var r), r);

    /// <summary>Limits values to [min, max]; a null bound is not applied.</summary>
    public Tensor clamp(double? min = null, double? max = null)
    {
        if (min is null && max is null) throw new ArgumentException("clamp needs at least one of min and max.");
        return FromStatus(N.mng_clamp(Handle, min.HasValue ? 1 : 0, min ?? 0, max.HasValue ? 1 : 0, max ?? 0, out var r), r);
    }

    /// <summary>A copy converted to <paramref name="type"/>.</summary>
    public Tensor to(ScalarType type) => FromStatus(N.mng_to_dtype(Handle, (int)type, out var r), r);

    /// <summary>A copy on <paramref name="target"/> (this tensor itself when already there).</summary>
    /// <exception cref="TorchException">CUDA was requested and libtorch has no CUDA.</exception>
    public Tensor to(Device target) =>
        FromStatus(N.mng_tensor_to(Handle, (int)target.Type, target.Index, -1, out var r), r);

    // ------------------------------------------------------------ reductions

    /// <summary>Sum over <paramref name="dims"/>.</summary>
    public Tensor sum(long[] dims, bool keepdim = false)
    {
        fixed (long* d = dims) return FromStatus(N.mng_sum_dims(Handle, d, dims.Length, keepdim ? 1 : 0, out var r), r);
    }

    /// <summary>Sum over one dimension.</summary>
    public Tensor sum(long dim, bool keepdim = false) => sum(new[] { dim }, keepdim);

    /// <summary>Mean over <paramref name="dims"/>.</summary>
    public Tensor mean(long[] dims, bool keepdim = false)
    {
        fixed (long* d = dims) return FromStatus(N.mng_mean_dims(Handle, d, dims.Length, keepdim ? 1 : 0, out var r), r);
    }

    /// <summary>Mean over one dimension.</summary>
    public Tensor mean(long dim, bool keepdim = false) => mean(new[] { dim }, keepdim);

    /// <summary>Variance over <paramref name="dims"/> (Bessel-corrected when <paramref name="unbiased"/>).</summary>
    public Tensor var(long[] dims, bool unbiased = true, bool keepdim = false)
    {
        fixed (long* d = dims) return FromStatus(N.mng_var_dims(Handle, d, dims.Length, unbiased ? 1 : 0, keepdim ? 1 : 0, out var r), r);
    }

    /// <summary>p-norm over <paramref name="dims"/>.</summary>
    public Tensor norm(double p, long[] dims, bool keepdim = false)
    {
        fixed (long* d = dims) return FromStatus(N.mng_norm_dims(Handle, p, d, dims.Length, keepdim ? 1 : 0, out var r), r);
    }

    /// <summary>log(sum(exp(x))) over <paramref name="dims"/>, computed stably.</summary>
    public Tensor logsumexp(long[] dims, bool keepdim = false)
    {
        fixed (long* d = dims) return FromStatus(N.mng_logsumexp(Handle, d, dims.Length, keepdim ? 1 : 0, out var r), r);
    }

    /// <summary>Largest values along <paramref name="dim"/> and their indices.</summary>
    public (Tensor values, Tensor indices) max(long dim, bool keepdim = false)
    {
        TorchException.Check(N.mng_max_dim(Handle, dim, keepdim ? 1 : 0, out var values, out var indices));
        return (new Tensor(values), new Tensor(indices));
    }

    /// <summary>Smallest values along <paramref name="dim"/> and their indices.</summary>
    public (Tensor values, Tensor indices) min(long dim, bool keepdim = false)
    {
        TorchException.Check(N.mng_min_dim(Handle, dim, keepdim ? 1 : 0, out var values, out var indices));
        return (new Tensor(values), new Tensor(indices));
    }

    /// <summary>Index of the largest value along <paramref name="dim"/>.</summary>
    public Tensor argmax(long dim, bool keepdim = false) => FromStatus(N.mng_argmax(Handle, dim, keepdim ? 1 : 0, out var r), r);

    // ----------------------------------------------------------------- shape

    private Tensor WithShape(delegate*<TensorHandle, long*, int, out IntPtr, int> op, long[] values)
    {
        fixed (long* p = values) return FromStatus(op(Handle, p, values.Length, out var r), r);
    }

    /// <summary>The same elements with a new shape (-1 infers one size); copies only when needed.</summary>
    public Tensor reshape(params long[] newShape) => WithShape(&N.mng_reshape, newShape);
    /// <summary>The same storage with a new shape; fails when the layout does not allow it.</summary>
    public Tensor view(params long[] newShape) => WithShape(&N.mng_view, newShape);
    /// <summary>Broadcasts size-1 dimensions to <paramref name="newShape"/> without copying.</summary>
    public Tensor expand(params long[] newShape) => WithShape(&N.mng_expand, newShape);
    /// <summary>Reorders dimensions.</summary>
    public Tensor permute(params long[] dims) => WithShape(&N.mng_permute, dims);
    /// <summary>Tiles the tensor <paramref name="repeats"/> times along each dimension.</summary>
    public Tensor repeat(params long[] repeats) => WithShape(&N.mng_repeat, repeats);

    /// <summary>Merges dimensions <paramref name="startDim"/>..<paramref name="endDim"/> into one.</summary>
    public Tensor flatten(long startDim = 0, long endDim = -1) => FromStatus(N.mng_flatten(Handle, startDim, endDim, out var r), r);
    /// <summary>Swaps two dimensions.</summary>
    public Tensor transpose(long dim0, long dim1) => FromStatus(N.mng_transpose(Handle, dim0, dim1, out var r), r);
    /// <summary>Removes dimension <paramref name="dim"/> if its size is 1.</summary>
    public Tensor squeeze(long dim) => WithDim(&N.mng_squeeze, dim);
    /// <summary>Inserts a dimension of size 1 at <paramref name="dim"/>.</summary>
    public Tensor unsqueeze(long dim) => WithDim(&N.mng_unsqueeze, dim);
    /// <summary>A view of <paramref name="length"/> entries of <paramref name="dim"/> starting at <paramref name="start"/>.</summary>
    public Tensor narrow(long dim, long start, long length) => FromStatus(N.mng_narrow(Handle, dim, start, length, out var r), r);
    /// <summary>The slice at <paramref name="index"/> of <paramref name="dim"/>, with that dimension removed.</summary>
    public Tensor select(long dim, long index) => FromStatus(N.mng_select(Handle, dim, index, out var r), r);
    /// <summary>Entries of <paramref name="dim"/> picked by an Int64 <paramref name="index"/> tensor.</summary>
    public Tensor index_select(long dim, Tensor index) => FromStatus(N.mng_index_select(Handle, dim, index.Handle, out var r), r);
    /// <summary>Gathers values along <paramref name="dim"/> at <paramref name="index"/>.</summary>
    public Tensor gather(long dim, Tensor index) => FromStatus(N.mng_gather(Handle, dim, index.Handle, out var r), r);

    /// <summary>Row <paramref name="index"/> of the first dimension.</summary>
    public Tensor this[long index] => select(0, index);

    // --------------------------------------------------------------- in place

    /// <summary>Sets every element to 0.</summary>
    public Tensor zero_() => InPlace(N.mng_zero_(Handle));
    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    public Tensor fill_(double value) => InPlace(N.mng_fill_(Handle, value));
    /// <summary>Replaces each element by its square root.</summary>
    public Tensor sqrt_() => InPlace(N.mng_sqrt_(Handle));
    /// <summary>Cuts this tensor from the autograd graph in place.</summary>
    public Tensor detach_() => InPlace(N.mng_detach_(Handle));
    /// <summary>this *= scalar.</summary>
    public Tensor mul_(double scalar) => InPlace(N.mng_mul_scalar_(Handle, scalar));
    /// <summary>this += scalar.</summary>
    public Tensor add_(double scalar) => InPlace(N.mng_add_scalar_(Handle, scalar));
    /// <summary>this += alpha * other.</summary>
    public Tensor add_(Tensor other, double alpha = 1) => InPlace(N.mng_add_(Handle, other.Handle, alpha));
    /// <summary>this *= other.</summary>
    public Tensor mul_(Tensor other) => InPlace(N.mng_mul_(Handle, other.Handle));
    /// <summary>this /= other.</summary>
    public Tensor div_(Tensor other) => InPlace(N.mng_div_(Handle, other.Handle));
    /// <summary>Copies <paramref name="source"/> (broadcast) into this tensor.</summary>
    public Tensor copy_(Tensor source) => InPlace(N.mng_copy_(Handle, source.Handle));
    /// <summary>this += value * left * right.</summary>
    public Tensor addcmul_(Tensor left, Tensor right, double value = 1) => InPlace(N.mng_addcmul_(Handle, left.Handle, right.Handle, value));
    /// <summary>this += value * left / right.</summary>
    public Tensor addcdiv_(Tensor left, Tensor right, double value = 1) => InPlace(N.mng_addcdiv_(Handle, left.Handle, right.Handle, value));
    /// <summary>this += weight * (end - this).</summary>
    public Tensor lerp_(Tensor end, double weight) => InPlace(N.mng_lerp_(Handle, end.Handle, weight));
    /// <summary>Limits every element to [min, max] in place (WGAN weight clipping).</summary>
    public Tensor clamp_(double min, double max) => InPlace(N.mng_clamp_(Handle, min, max));
    /// <summary>max(x, 0) in place. Autograd allows it after ops whose backward does not read their output (linear, convolution, batch norm).</summary>
    public Tensor relu_() => InPlace(N.mng_relu_(Handle));
    /// <summary>max(x, 0) + slope * min(x, 0) in place (the slope must be positive when gradients flow through it).</summary>
    public Tensor leaky_relu_(double negativeSlope = 0.01) => InPlace(N.mng_leaky_relu_(Handle, negativeSlope));
    /// <summary>Fills with U(low, high) samples.</summary>
    public Tensor uniform_(double low = 0, double high = 1, Generator? generator = null) => InPlace(N.mng_uniform_(Handle, low, high, HandleOf(generator)));
    /// <summary>Fills with N(mean, std²) samples.</summary>
    public Tensor normal_(double mean = 0, double std = 1, Generator? generator = null) => InPlace(N.mng_normal_(Handle, mean, std, HandleOf(generator)));

    // -------------------------------------------------------------- autograd

    /// <summary>Back-propagates from this tensor (a scalar unless <paramref name="gradient"/> is given), accumulating into leaves' <see cref="grad"/>.</summary>
    public void backward(Tensor? gradient = null, bool retainGraph = false, bool createGraph = false) =>
        TorchException.Check(N.mng_backward(Handle, HandleOf(gradient), retainGraph ? 1 : 0, createGraph ? 1 : 0));

    // -------------------------------------------------------------- operators

    /// <summary>Element-wise sum.</summary>
    public static Tensor operator +(Tensor left, Tensor right) => left.add(right);
    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(Tensor left, double right) => left.add(right);
    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(double left, Tensor right) => right.add(left);
    /// <summary>Element-wise difference.</summary>
    public static Tensor operator -(Tensor left, Tensor right) => left.sub(right);
    /// <summary>Subtracts a scalar.</summary>
    public static Tensor operator -(Tensor left, double right) => left.sub(right);
    /// <summary>scalar - tensor.</summary>
    public static Tensor operator -(double left, Tensor right) => right.WithScalar(&N.mng_rsub_scalar, left);
    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor value) => value.neg();
    /// <summary>Element-wise product.</summary>
    public static Tensor operator *(Tensor left, Tensor right) => left.mul(right);
    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(Tensor left, double right) => left.mul(right);
    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(double left, Tensor right) => right.mul(left);
    /// <summary>Element-wise quotient.</summary>
    public static Tensor operator /(Tensor left, Tensor right) => left.div(right);
    /// <summary>Divides by a scalar.</summary>
    public static Tensor operator /(Tensor left, double right) => left.div(right);
    /// <summary>scalar / tensor.</summary>
    public static Tensor operator /(double left, Tensor right) => right.WithScalar(&N.mng_rdiv_scalar, left);
}
