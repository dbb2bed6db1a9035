using Microsoft.ML.Data;

namespace Microsoft.ML.Transforms.Image;

/// <summary>Columns of <see cref="MLImage"/>, with a known size or not.</summary>
public sealed class ImageDataViewType : StructuredDataViewType
{
    /// <summary>Images of any size.</summary>
    public ImageDataViewType() : base(typeof(MLImage)) { }

    /// <summary>Images of <paramref name="height"/> x <paramref name="width"/>.</summary>
    public ImageDataViewType(int height, int width) : base(typeof(MLImage))
    {
        if (height <= 0 || width <= 0) throw new ArgumentOutOfRangeException(nameof(height), $"Image size {height}x{width} must be positive.");
        Height = height;
        Width = width;
    }

    /// <summary>Height (0 when unknown).</summary>
    public int Height { get; }
    /// <summary>Width (0 when unknown).</summary>
    public int Width { get; }

    /// <inheritdoc />
    public override bool Equals(DataViewType? other) => other is ImageDataViewType i && i.Height == Height && i.Width == Width;
    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Height, Width);
    /// <inheritdoc />
    public override string ToString() => Height == 0 ? "Image" : $"Image<{Height}, {Width}>";
}

/// <summary>Marks an <see cref="MLImage"/> member with the image size of its column.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class ImageTypeAttribute : Attribute
{
    /// <summary>Declares the size.</summary>
    public ImageTypeAttribute(int height, int width)
    {
        Height = height;
        Width = width;
    }

    /// <summary>Height.</summary>
    public int Height { get; }
    /// <summary>Width.</summary>
    public int Width { get; }
}
