namespace MLNetGan.Torch;

/// <summary>Where a tensor lives. Only <see cref="DeviceType.CPU"/> exists in Debian's libtorch; CUDA needs a CUDA build of libtorch.</summary>
public enum DeviceType
{
    /// <summary>Host memory.</summary>
    CPU = 0,
    /// <summary>An NVIDIA GPU (requires a CUDA build of libtorch).</summary>
    CUDA = 1,
}

/// <summary>A device: a type plus, for CUDA, an index.</summary>
public sealed record Device(DeviceType Type, int Index = -1)
{
    /// <summary>The host CPU.</summary>
    public static readonly Device CPU = new(DeviceType.CPU);

    /// <summary>Parses "cpu", "cuda" or "cuda:N" (case-insensitive).</summary>
    /// <exception cref="ArgumentException">The text names no known device.</exception>
    public static Device Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var value = text.Trim().ToLowerInvariant();
        if (value == "cpu") return CPU;
        if (value == "cuda") return new Device(DeviceType.CUDA, 0);
        if (value.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(value.AsSpan(5), out var index) && index >= 0)
        {
            return new Device(DeviceType.CUDA, index);
        }
        throw new ArgumentException($"Unknown device '{text}'. Use \"cpu\", \"cuda\" or \"cuda:N\".", nameof(text));
    }

    /// <inheritdoc />
    public override string ToString() => Type == DeviceType.CPU ? "cpu" : Index >= 0 ? $"cuda:{Index}" : "cuda";
}
