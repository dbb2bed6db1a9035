using MLNetGan.Torch.Interop;

namespace MLNetGan.Torch;

/// <summary>
/// An independent CPU random-number generator. Sampling with one leaves libtorch's global generator
/// untouched, so seeded sampling stays reproducible while other threads also draw numbers.
/// </summary>
public sealed class Generator : IDisposable
{
    internal GeneratorHandle Handle { get; }

    /// <summary>Creates a generator in the state <c>torch.Generator().manual_seed(seed)</c> would have.</summary>
    public Generator(ulong seed)
    {
        TorchException.Check(NativeMethods.mng_generator_new(seed, out var pointer));
        Handle = new GeneratorHandle(pointer);
    }

    /// <summary>The generator's full state (a byte tensor in libtorch's format), as <c>torch.Generator.get_state()</c>.</summary>
    public Tensor get_state() => Tensor.FromStatus(NativeMethods.mng_generator_get_state(Handle, out var r), r);

    /// <summary>Restores a state from <see cref="get_state"/>; the next draws repeat those that followed it.</summary>
    /// <exception cref="TorchException">The tensor is not a generator state.</exception>
    public void set_state(Tensor state)
    {
        ArgumentNullException.ThrowIfNull(state);
        TorchException.Check(NativeMethods.mng_generator_set_state(Handle, state.Handle));
    }

    /// <summary>Frees the native generator.</summary>
    public void Dispose() => Handle.Dispose();

    [ThreadStatic] private static Generator? scoped;

    /// <summary>
    /// The generator that draws without an explicit generator use on this thread (set by
    /// <see cref="torch.use_generator"/>); null means libtorch's global generator.
    /// </summary>
    public static Generator? ScopedDefault => scoped;

    // The one place that decides where a draw comes from: an explicit generator, else this thread's
    // scoped one, else libtorch's global generator (the null handle).
    internal static GeneratorHandle HandleFor(Generator? explicitGenerator) => (explicitGenerator ?? scoped)?.Handle ?? GeneratorHandle.Null;

    internal static IDisposable Use(Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var previous = scoped;
        scoped = generator;
        return new ScopeExit(() => scoped = previous);
    }
}
