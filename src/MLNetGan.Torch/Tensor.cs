using MLNetGan.Torch.Interop;

namespace MLNetGan.Torch;

/// <summary>
/// A libtorch tensor. Dispose it (or let a <see cref="DisposeScope"/> do so) to free its native memory
/// at once; the finalizer of its native handle is only a backstop. Methods follow PyTorch's names, as
/// TorchSharp does, so that PyTorch code translates line by line.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    private readonly TensorHandle handle;
    private long[]? cachedShape;

    /// <summary>The scope that will dispose this tensor, or null when the caller owns it.</summary>
    internal DisposeScope? OwningScope;

    internal Tensor(IntPtr pointer)
    {
        handle = new TensorHandle(pointer);
        DisposeScope.Current?.Attach(this);
    }

    /// <summary>Wraps the result of a native call that produced one tensor.</summary>
    internal static Tensor FromStatus(int status, IntPtr pointer)
    {
        TorchException.Check(status);
        return new Tensor(pointer);
    }

    internal TensorHandle Handle => handle.IsClosed
        ? throw new ObjectDisposedException(nameof(Tensor), "This tensor has already been disposed (directly or by its DisposeScope).")
        : handle;

    /// <summary>True once <see cref="Dispose"/> has run.</summary>
    public bool IsDisposed => handle.IsClosed;

    /// <summary>Frees the native tensor now. Further use throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        handle.Dispose();
    }

    /// <summary>The size of every dimension.</summary>
    public unsafe long[] shape
    {
        get
        {
            if (cachedShape is null)
            {
                TorchException.Check(NativeMethods.mng_tensor_ndim(Handle, out var ndim));
                var sizes = new long[ndim];
                fixed (long* p = sizes) TorchException.Check(NativeMethods.mng_tensor_shape(Handle, p, ndim));
                cachedShape = sizes;
            }
            return (long[])cachedShape.Clone();
        }
    }

    /// <summary>The number of dimensions.</summary>
    public int dim() => shape.Length;

    /// <summary>The size of dimension <paramref name="dimension"/> (negative counts from the end).</summary>
    public long size(int dimension)
    {
        var sizes = shape;
        var index = dimension < 0 ? dimension + sizes.Length : dimension;
        if (index < 0 || index >= sizes.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), $"Dimension {dimension} is out of range for a tensor of shape [{string.Join(", ", sizes)}].");
        }
        return sizes[index];
    }

    /// <summary>The element type.</summary>
    public ScalarType dtype
    {
        get
        {
            TorchException.Check(NativeMethods.mng_tensor_dtype(Handle, out var code));
            return (ScalarType)code;
        }
    }

    /// <summary>The device holding the data.</summary>
    public Device device
    {
        get
        {
            TorchException.Check(NativeMethods.mng_tensor_device(Handle, out var type, out var index));
            return type == 0 ? Device.CPU : new Device(DeviceType.CUDA, index);
        }
    }

    /// <summary>The number of elements.</summary>
    public long numel()
    {
        TorchException.Check(NativeMethods.mng_tensor_numel(Handle, out var count));
        return count;
    }

    /// <summary>Whether autograd records operations on this tensor.</summary>
    public bool requires_grad
    {
        get
        {
            TorchException.Check(NativeMethods.mng_tensor_requires_grad(Handle, out var value));
            return value != 0;
        }
        set => TorchException.Check(NativeMethods.mng_tensor_set_requires_grad(Handle, value ? 1 : 0));
    }

    /// <summary>Sets <see cref="requires_grad"/> and returns this tensor.</summary>
    public Tensor requires_grad_(bool value = true)
    {
        requires_grad = value;
        return this;
    }

    /// <summary>The accumulated gradient, or null when none has been computed. Each call returns a new handle to the same data.</summary>
    public Tensor? grad
    {
        get
        {
            TorchException.Check(NativeMethods.mng_tensor_grad(Handle, out var pointer));
            return pointer == IntPtr.Zero ? null : new Tensor(pointer);
        }
    }

    /// <summary>Drops the accumulated gradient (PyTorch's <c>zero_grad(set_to_none=True)</c>).</summary>
    public void clear_grad() => TorchException.Check(NativeMethods.mng_tensor_clear_grad(Handle));

    /// <summary>The value of a one-element tensor.</summary>
    public T item<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(long) || typeof(T) == typeof(int))
        {
            TorchException.Check(NativeMethods.mng_tensor_item_int64(Handle, out var integer));
            return typeof(T) == typeof(long) ? (T)(object)integer : (T)(object)checked((int)integer);
        }
        TorchException.Check(NativeMethods.mng_tensor_item(Handle, out var value));
        if (typeof(T) == typeof(double)) return (T)(object)value;
        if (typeof(T) == typeof(float)) return (T)(object)(float)value;
        if (typeof(T) == typeof(bool)) return (T)(object)(value != 0);
        throw new NotSupportedException($"item<{typeof(T).Name}> is not supported.");
    }

    /// <summary>Copies the elements (row-major) into <paramref name="destination"/>, whose element type must match <see cref="dtype"/>.</summary>
    public unsafe void CopyTo<T>(Span<T> destination) where T : unmanaged
    {
        var type = ScalarTypes.Of<T>();
        fixed (T* p = destination)
        {
            TorchException.Check(NativeMethods.mng_tensor_copy_to(Handle, p, (long)destination.Length * sizeof(T), (int)type));
        }
    }

    /// <summary>
    /// Copies <paramref name="source"/> into this tensor's elements (row-major) starting at element
    /// <paramref name="elementOffset"/>, in place. The tensor must be a contiguous CPU tensor of
    /// <paramref name="source"/>'s element type; writing past its end is refused. Lets a large tensor be
    /// filled in pieces without a full-size managed copy.
    /// </summary>
    public unsafe void CopyFrom<T>(ReadOnlySpan<T> source, long elementOffset = 0) where T : unmanaged
    {
        var type = ScalarTypes.Of<T>();
        ArgumentOutOfRangeException.ThrowIfNegative(elementOffset);
        fixed (T* p = source)
        {
            TorchException.Check(NativeMethods.mng_tensor_write_at(Handle, p, (long)source.Length * sizeof(T), checked(elementOffset * sizeof(T)), (int)type));
        }
    }

    /// <summary>The elements as a new row-major array.</summary>
    public T[] data<T>() where T : unmanaged
    {
        var result = new T[checked((int)numel())];
        CopyTo<T>(result);
        return result;
    }

    /// <summary>Creates a CPU tensor holding a copy of <paramref name="values"/> with the given shape.</summary>
    internal static unsafe Tensor FromSpan<T>(ReadOnlySpan<T> values, ReadOnlySpan<long> shape) where T : unmanaged
    {
        var type = ScalarTypes.Of<T>();
        fixed (T* data = values)
        fixed (long* sizes = shape)
        {
            return FromStatus(NativeMethods.mng_tensor_from_data(data, (long)values.Length * sizeof(T), (int)type, sizes, shape.Length, out var r), r);
        }
    }

    /// <summary>Copies the raw little-endian element bytes, whatever the dtype (for serializers).</summary>
    internal unsafe void CopyRawBytes(Span<byte> destination)
    {
        fixed (byte* p = destination)
        {
            TorchException.Check(NativeMethods.mng_tensor_copy_to(Handle, p, destination.Length, (int)dtype));
        }
    }

    /// <summary>Creates a CPU tensor from raw little-endian element bytes of <paramref name="type"/>.</summary>
    internal static unsafe Tensor FromRawBytes(ReadOnlySpan<byte> bytes, ScalarType type, ReadOnlySpan<long> shape)
    {
        fixed (byte* data = bytes)
        fixed (long* sizes = shape)
        {
            return FromStatus(NativeMethods.mng_tensor_from_data(data, bytes.Length, (int)type, sizes, shape.Length, out var r), r);
        }
    }

    /// <summary>Keeps this tensor alive past the current <see cref="DisposeScope"/>: the enclosing scope (if any) owns it instead.</summary>
    public Tensor MoveToOuterDisposeScope()
    {
        OwningScope?.MoveToOuter(this);
        return this;
    }

    /// <summary>Removes this tensor from any <see cref="DisposeScope"/>; the caller must dispose it.</summary>
    public Tensor DetachFromDisposeScope()
    {
        OwningScope?.Detach(this);
        return this;
    }

    /// <inheritdoc />
    public override string ToString() =>
        IsDisposed ? "Tensor (disposed)" : $"Tensor[{string.Join(", ", shape)}] {dtype} {device}";

    internal static IntPtr[] AddRefAll(IReadOnlyList<Tensor> tensors, out bool[] added)
    {
        var pointers = new IntPtr[tensors.Count];
        added = new bool[tensors.Count];
        try
        {
            for (var i = 0; i < tensors.Count; i++)
            {
                var h = (tensors[i] ?? throw new ArgumentNullException(nameof(tensors), $"Tensor at position {i} is null.")).Handle;
                h.DangerousAddRef(ref added[i]);
                pointers[i] = h.DangerousGetHandle();
            }
            return pointers;
        }
        catch
        {
            ReleaseAll(tensors, added);
            throw;
        }
    }

    internal static void ReleaseAll(IReadOnlyList<Tensor> tensors, bool[] added)
    {
        for (var i = 0; i < added.Length; i++)
        {
            if (added[i]) tensors[i].handle.DangerousRelease();
        }
    }

    internal static GeneratorHandle HandleOf(Generator? generator) => Generator.HandleFor(generator);

    internal static TensorHandle HandleOf(Tensor? tensor) => tensor?.Handle ?? TensorHandle.Null;

    internal static string Describe(ReadOnlySpan<long> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";
}
