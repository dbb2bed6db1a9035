using System.Runtime.InteropServices;

namespace MLNetGan.Torch.Interop;

/// <summary>
/// Which OpenBLAS kernels libtorch's float matrix products run on. OpenBLAS picks them when it loads, from the
/// CPU or from <c>OPENBLAS_CORETYPE</c>; on this project's AVX-512 machines the choice moves libtorch's GEMMs by
/// 1.4-1.8x (docs/benchmarks.md), so training logs it and benchmarks report it.
/// </summary>
internal static class BlasKernels
{
    // Debian's libtorch links the BLAS alternative (libblas.so.3); with OpenBLAS installed that is OpenBLAS.
    private static readonly string[] Libraries = { "libblas.so.3", "libopenblas.so.0" };

    /// <summary>The kernel family's name (for example "Cooperlake", "SkylakeX", "Haswell"), or null when no OpenBLAS answers.</summary>
    internal static string? LoadedCoreName()
    {
        foreach (var library in Libraries)
        {
            if (!NativeLibrary.TryLoad(library, out var handle)) continue;
            try
            {
                if (!NativeLibrary.TryGetExport(handle, "openblas_get_corename", out var query)) continue;
                unsafe
                {
                    var name = ((delegate* unmanaged<IntPtr>)query)();
                    return name == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(name);
                }
            }
            finally
            {
                NativeLibrary.Free(handle);
            }
        }
        return null;
    }
}
