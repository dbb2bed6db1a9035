using System.Runtime.InteropServices;

namespace MLNetGan.Torch.Interop;

/// <summary>Owns one native <c>at::Tensor</c>; releasing it frees the native object exactly once.</summary>
internal sealed class TensorHandle : SafeHandle
{
    /// <summary>A never-released invalid handle that stands for an absent optional tensor.</summary>
    internal static readonly TensorHandle Null = new();

    private TensorHandle() : base(IntPtr.Zero, ownsHandle: false) { }

    internal TensorHandle(IntPtr pointer) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(pointer);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.mng_tensor_free(handle);
        return true;
    }
}

/// <summary>Owns one native random-number generator.</summary>
internal sealed class GeneratorHandle : SafeHandle
{
    /// <summary>Stands for "use libtorch's default generator".</summary>
    internal static readonly GeneratorHandle Null = new();

    private GeneratorHandle() : base(IntPtr.Zero, ownsHandle: false) { }

    internal GeneratorHandle(IntPtr pointer) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(pointer);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.mng_generator_free(handle);
        return true;
    }
}

/// <summary>Owns one native c10d process group (and its rendezvous store).</summary>
internal sealed class ProcessGroupHandle : SafeHandle
{
    internal ProcessGroupHandle(IntPtr pointer) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(pointer);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.mng_dist_free(handle);
        return true;
    }
}
