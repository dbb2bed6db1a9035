using System.Runtime.InteropServices;
using MLNetGan.Torch.Interop;

namespace MLNetGan.Torch;

/// <summary>An error reported by libtorch (or the native shim); <see cref="Exception.Message"/> is libtorch's own text.</summary>
public sealed class TorchException : Exception
{
    /// <summary>Creates the exception with libtorch's message.</summary>
    public TorchException(string message) : base(message) { }

    /// <summary>Throws a <see cref="TorchException"/> with the calling thread's native error message when <paramref name="status"/> is not 0.</summary>
    internal static void Check(int status)
    {
        if (status != 0) Throw();
    }

    private static void Throw()
    {
        var message = Marshal.PtrToStringUTF8(NativeMethods.mng_last_error());
        throw new TorchException(string.IsNullOrEmpty(message) ? "libtorch reported an error without a message" : message);
    }
}
