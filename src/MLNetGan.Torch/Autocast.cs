#pragma warning disable CS8981 // lower-case names mirror torch
namespace MLNetGan.Torch;

public static partial class torch
{
    /// <summary>
    /// Runs the matrix products of <c>linear</c>, <c>conv2d</c> and <c>conv_transpose2d</c> on this thread in
    /// <paramref name="dtype"/> (today <see cref="ScalarType.BFloat16"/>) until the returned object is disposed,
    /// as <c>torch.autocast("cpu", dtype)</c> does. Float32 inputs and parameters are cast on the way in and
    /// the result is cast back to float32, so parameters, gradients, optimizer state, normalization,
    /// activations and losses stay in float32; the casts are recorded by autograd, so the backward products
    /// run in <paramref name="dtype"/> too. Scopes nest; dispose on the thread that created the scope.
    /// </summary>
    /// <remarks>
    /// Unlike PyTorch's autocast, results come back as float32 instead of staying in the lower precision:
    /// only the products gain from bfloat16 (oneDNN's AVX512-BF16 kernels), and keeping everything else in
    /// float32 needs no per-operator precision lists.
    /// </remarks>
    public static IDisposable autocast(ScalarType dtype) => Autocast.Enter(dtype);

    /// <summary>The dtype the current <see cref="autocast"/> scope computes products in, or null outside any.</summary>
    public static ScalarType? get_autocast_dtype() => Autocast.Current;
}

/// <summary>This thread's <see cref="torch.autocast"/> state, read by the functional layers.</summary>
internal static class Autocast
{
    [ThreadStatic] private static ScalarType? current;

    internal static ScalarType? Current => current;

    internal static IDisposable Enter(ScalarType dtype)
    {
        if (dtype is not (ScalarType.BFloat16 or ScalarType.Float32))
        {
            throw new ArgumentException($"autocast computes in BFloat16 (or Float32, which switches it off); {dtype} is not supported.", nameof(dtype));
        }
        var previous = current;
        current = dtype == ScalarType.Float32 ? null : dtype;
        return new ScopeExit(() => current = previous);
    }

    /// <summary>
    /// Applies <paramref name="product"/> in the scope's dtype when one is active and the input is float32;
    /// otherwise applies it to the arguments as they are.
    /// </summary>
    internal static Tensor Apply(Tensor input, Tensor weight, Tensor? bias, Func<Tensor, Tensor, Tensor?, Tensor> product)
    {
        if (current is not { } lower || input.dtype != ScalarType.Float32) return product(input, weight, bias);
        using var x = input.to(lower);
        using var w = weight.to(lower);
        using var b = bias?.to(lower);
        using var y = product(x, w, b);
        return y.to(ScalarType.Float32);
    }
}
