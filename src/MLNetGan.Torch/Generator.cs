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

    /// <summary>Frees the native generator.</summary>
    public void Dispose() => Handle.Dispose();
}
