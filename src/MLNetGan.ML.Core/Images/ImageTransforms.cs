using Microsoft.ML.Data;

namespace Microsoft.ML.Transforms.Image;

/// <summary>Shared plumbing of the image transforms: one input column, one output column, a per-row function.</summary>
public abstract class ImageTransformerBase : RowToRowTransformerBase
{
    /// <summary>Creates the transformer.</summary>
    protected ImageTransformerBase(string outputColumnName, string inputColumnName)
    {
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
    }

    /// <summary>The output column.</summary>
    public string OutputColumnName { get; }
    /// <summary>The input column.</summary>
    public string InputColumnName { get; }

    /// <summary>Validates the input column and returns the output column's type.</summary>
    protected abstract DataViewType OutputType(DataViewSchema.Column input);

    /// <summary>A getter of the output value computed from <paramref name="input"/>'s column <paramref name="source"/>.</summary>
    protected abstract Delegate MakeGetter(DataViewRow input, DataViewSchema.Column source);

    /// <inheritdoc />
    protected sealed override ColumnMapper MakeMapper(DataViewSchema inputSchema) => new Mapper(inputSchema, this);

    /// <summary>Reads the saved column names.</summary>
    protected static (string Output, string Input) ReadNames(ModelLoadContext ctx)
    {
        var names = ctx.ReadJson<string[]>("columns.json");
        if (names.Length != 2) throw new InvalidDataException("Image transform column names are malformed.");
        return (names[0], names[1]);
    }

    /// <summary>Writes the column names; call from <see cref="RowToRowTransformerBase.Save"/>.</summary>
    protected void SaveNames(ModelSaveContext ctx) => ctx.WriteJson("columns.json", new[] { OutputColumnName, InputColumnName });

    /// <summary>The input column, which must hold images.</summary>
    protected static ImageDataViewType RequireImage(DataViewSchema.Column input) => input.Type as ImageDataViewType
        ?? throw new ArgumentOutOfRangeException(nameof(input), $"Input column '{input.Name}' has type {input.Type}; expected an image column.");

    private sealed class Mapper : ColumnMapper
    {
        private readonly ImageTransformerBase parent;
        private readonly DataViewSchema.Column source;
        private readonly DataViewSchema.DetachedColumn[] outputs;

        public Mapper(DataViewSchema schema, ImageTransformerBase parent) : base(schema)
        {
            this.parent = parent;
            source = ColumnChecks.RequireColumn(schema, parent.InputColumnName, _ => true, "a column");
            outputs = new[] { new DataViewSchema.DetachedColumn(parent.OutputColumnName, parent.OutputType(source)) };
        }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns => outputs;
        public override IEnumerable<int> GetDependencies(int outputIndex) => new[] { source.Index };
        public override Delegate CreateGetter(DataViewRow input, int outputIndex) => parent.MakeGetter(input, input.Schema[source.Index]);
    }
}

/// <summary>Loads images from paths in a text column (<c>mlContext.Transforms.LoadImages</c>).</summary>
[ModelComponent(ComponentId)]
public sealed class ImageLoadingTransformer : ImageTransformerBase
{
    internal const string ComponentId = "ImageLoading";

    internal ImageLoadingTransformer(string? imageFolder, string output, string input) : base(output, input) => ImageFolder = imageFolder;

    /// <summary>Folder relative paths are resolved against (null: as given).</summary>
    public string? ImageFolder { get; }

    /// <inheritdoc />
    protected override DataViewType OutputType(DataViewSchema.Column input) => input.Type is TextDataViewType
        ? new ImageDataViewType()
        : throw new ArgumentOutOfRangeException(nameof(input), $"Input column '{input.Name}' has type {input.Type}; expected text (image paths).");

    /// <inheritdoc />
    protected override Delegate MakeGetter(DataViewRow input, DataViewSchema.Column source)
    {
        var path = input.GetGetter<ReadOnlyMemory<char>>(source);
        ReadOnlyMemory<char> text = default;
        return (ValueGetter<MLImage>)((ref MLImage value) =>
        {
            path(ref text);
            var file = text.ToString();
            var full = ImageFolder is null ? file : Path.Combine(ImageFolder, file);
            try
            {
                value = MLImage.CreateFromFile(full);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"Column '{source.Name}': cannot load image '{full}': {e.Message}", e);
            }
        });
    }

    /// <inheritdoc />
    public override void Save(ModelSaveContext ctx)
    {
        ctx.SetComponent(ComponentId, 1);
        SaveNames(ctx);
        ctx.WriteJson("folder.json", ImageFolder ?? "");
    }

    /// <summary>Loads a saved transformer.</summary>
    public static ITransformer Load(ModelLoadContext ctx)
    {
        ctx.CheckFormatVersion(1);
        var (output, input) = ReadNames(ctx);
        var folder = ctx.ReadJson<string>("folder.json");
        return new ImageLoadingTransformer(folder.Length == 0 ? null : folder, output, input);
    }
}

/// <summary>Resizing options, as ML.NET's <c>ImageResizingEstimator</c>.</summary>
public static class ImageResizingEstimator
{
    /// <summary>How the aspect ratio is handled.</summary>
    public enum ResizingKind : byte
    {
        /// <summary>Scale to fit inside, pad the rest with black.</summary>
        IsoPad = 0,
        /// <summary>Scale to cover, crop the excess around the anchor.</summary>
        IsoCrop = 1,
        /// <summary>Stretch to the exact size.</summary>
        Fill = 2,
    }

    /// <summary>Where cropping keeps the image.</summary>
    public enum Anchor : byte
    {
        /// <summary>Right edge.</summary>
        Right = 0,
        /// <summary>Left edge.</summary>
        Left = 1,
        /// <summary>Top edge.</summary>
        Top = 2,
        /// <summary>Bottom edge.</summary>
        Bottom = 3,
        /// <summary>Centre.</summary>
        Center = 4,
    }
}

/// <summary>Resizes images with bilinear sampling (<c>mlContext.Transforms.ResizeImages</c>).</summary>
[ModelComponent(ComponentId)]
public sealed class ImageResizingTransformer : ImageTransformerBase
{
    internal const string ComponentId = "ImageResizing";

    internal ImageResizingTransformer(string output, int width, int height, string input, ImageResizingEstimator.ResizingKind resizing, ImageResizingEstimator.Anchor anchor)
        : base(output, input)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"Target size {width}x{height} must be positive.");
        Width = width;
        Height = height;
        Resizing = resizing;
        CropAnchor = anchor;
    }

    /// <summary>Target width.</summary>
    public int Width { get; }
    /// <summary>Target height.</summary>
    public int Height { get; }
    /// <summary>Aspect handling.</summary>
    public ImageResizingEstimator.ResizingKind Resizing { get; }
    /// <summary>Crop anchor.</summary>
    public ImageResizingEstimator.Anchor CropAnchor { get; }

    /// <inheritdoc />
    protected override DataViewType OutputType(DataViewSchema.Column input)
    {
        RequireImage(input);
        return new ImageDataViewType(Height, Width);
    }

    /// <inheritdoc />
    protected override Delegate MakeGetter(DataViewRow input, DataViewSchema.Column source)
    {
        var getter = input.GetGetter<MLImage>(source);
        MLImage image = null!;
        return (ValueGetter<MLImage>)((ref MLImage value) =>
        {
            getter(ref image);
            value = Resize(image ?? throw new InvalidOperationException($"Column '{source.Name}' holds no image."));
        });
    }

    internal MLImage Resize(MLImage image)
    {
        // The region of the source that maps onto the target, and where it lands.
        double sx0 = 0, sy0 = 0, sw = image.Width, sh = image.Height;
        double dx0 = 0, dy0 = 0, dw = Width, dh = Height;
        var scaleX = (double)Width / image.Width;
        var scaleY = (double)Height / image.Height;
        if (Resizing == ImageResizingEstimator.ResizingKind.IsoCrop)
        {
            var scale = Math.Max(scaleX, scaleY);
            sw = Width / scale;
            sh = Height / scale;
            sx0 = CropAnchor switch { ImageResizingEstimator.Anchor.Left => 0, ImageResizingEstimator.Anchor.Right => image.Width - sw, _ => (image.Width - sw) / 2 };
            sy0 = CropAnchor switch { ImageResizingEstimator.Anchor.Top => 0, ImageResizingEstimator.Anchor.Bottom => image.Height - sh, _ => (image.Height - sh) / 2 };
        }
        else if (Resizing == ImageResizingEstimator.ResizingKind.IsoPad)
        {
            var scale = Math.Min(scaleX, scaleY);
            dw = image.Width * scale;
            dh = image.Height * scale;
            dx0 = (Width - dw) / 2;
            dy0 = (Height - dh) / 2;
        }
        var output = new byte[Width * Height * 4];
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                var o = (y * Width + x) * 4;
                var u = (x + 0.5 - dx0) / dw;
                var v = (y + 0.5 - dy0) / dh;
                if (u < 0 || u > 1 || v < 0 || v > 1)
                {
                    output[o + 3] = 255; // padding is opaque black
                    continue;
                }
                var fx = Math.Clamp(sx0 + u * sw - 0.5, 0, image.Width - 1);
                var fy = Math.Clamp(sy0 + v * sh - 0.5, 0, image.Height - 1);
                int x0 = (int)fx, y0 = (int)fy;
                int x1 = Math.Min(x0 + 1, image.Width - 1), y1 = Math.Min(y0 + 1, image.Height - 1);
                double ax = fx - x0, ay = fy - y0;
                var p00 = image.Pixel(y0 * image.Width + x0);
                var p10 = image.Pixel(y0 * image.Width + x1);
                var p01 = image.Pixel(y1 * image.Width + x0);
                var p11 = image.Pixel(y1 * image.Width + x1);
                byte Mix(byte a, byte b, byte c, byte d) => (byte)Math.Round((a * (1 - ax) + b * ax) * (1 - ay) + (c * (1 - ax) + d * ax) * ay);
                output[o] = Mix(p00.R, p10.R, p01.R, p11.R);
                output[o + 1] = Mix(p00.G, p10.G, p01.G, p11.G);
                output[o + 2] = Mix(p00.B, p10.B, p01.B, p11.B);
                output[o + 3] = Mix(p00.A, p10.A, p01.A, p11.A);
            }
        }
        return MLImage.CreateFromPixels(Width, Height, MLPixelFormat.Rgba32, output);
    }

    /// <inheritdoc />
    public override void Save(ModelSaveContext ctx)
    {
        ctx.SetComponent(ComponentId, 1);
        SaveNames(ctx);
        ctx.WriteJson("resize.json", new[] { Width, Height, (int)Resizing, (int)CropAnchor });
    }

    /// <summary>Loads a saved transformer.</summary>
    public static ITransformer Load(ModelLoadContext ctx)
    {
        ctx.CheckFormatVersion(1);
        var (output, input) = ReadNames(ctx);
        var p = ctx.ReadJson<int[]>("resize.json");
        if (p.Length != 4) throw new InvalidDataException("Resize parameters are malformed.");
        return new ImageResizingTransformer(output, p[0], p[1], input, (ImageResizingEstimator.ResizingKind)p[2], (ImageResizingEstimator.Anchor)p[3]);
    }
}

/// <summary>Converts images to gray, keeping alpha (<c>mlContext.Transforms.ConvertToGrayscale</c>).</summary>
[ModelComponent(ComponentId)]
public sealed class ImageGrayscalingTransformer : ImageTransformerBase
{
    internal const string ComponentId = "ImageGrayscaling";

    internal ImageGrayscalingTransformer(string output, string input) : base(output, input) { }

    /// <inheritdoc />
    protected override DataViewType OutputType(DataViewSchema.Column input) => RequireImage(input);

    /// <inheritdoc />
    protected override Delegate MakeGetter(DataViewRow input, DataViewSchema.Column source)
    {
        var getter = input.GetGetter<MLImage>(source);
        MLImage image = null!;
        return (ValueGetter<MLImage>)((ref MLImage value) =>
        {
            getter(ref image);
            var pixels = new byte[image.Width * image.Height * 4];
            for (var i = 0; i < image.Width * image.Height; i++)
            {
                var (r, g, b, a) = image.Pixel(i);
                var gray = MLImage.GrayLevel(r, g, b);
                pixels[4 * i] = pixels[4 * i + 1] = pixels[4 * i + 2] = gray;
                pixels[4 * i + 3] = a;
            }
            value = MLImage.CreateFromPixels(image.Width, image.Height, MLPixelFormat.Rgba32, pixels);
        });
    }

    /// <inheritdoc />
    public override void Save(ModelSaveContext ctx)
    {
        ctx.SetComponent(ComponentId, 1);
        SaveNames(ctx);
    }

    /// <summary>Loads a saved transformer.</summary>
    public static ITransformer Load(ModelLoadContext ctx)
    {
        ctx.CheckFormatVersion(1);
        var (output, input) = ReadNames(ctx);
        return new ImageGrayscalingTransformer(output, input);
    }
}

/// <summary>Pixel extraction options, as ML.NET's <c>ImagePixelExtractingEstimator</c>.</summary>
public static class ImagePixelExtractingEstimator
{
    /// <summary>Which channels to use.</summary>
    [Flags]
    public enum ColorBits : byte
    {
        /// <summary>None.</summary>
        None = 0,
        /// <summary>Alpha.</summary>
        Alpha = 0x01,
        /// <summary>Red.</summary>
        Red = 0x02,
        /// <summary>Green.</summary>
        Green = 0x04,
        /// <summary>Blue.</summary>
        Blue = 0x08,
        /// <summary>Red, green and blue.</summary>
        Rgb = Red | Green | Blue,
        /// <summary>All four.</summary>
        All = Alpha | Rgb,
    }

    /// <summary>The order channels are laid out in.</summary>
    public enum ColorsOrder : byte
    {
        /// <summary>Alpha, red, green, blue.</summary>
        ARGB = 1,
        /// <summary>Alpha, red, blue, green.</summary>
        ARBG = 2,
        /// <summary>Alpha, blue, red, green.</summary>
        ABRG = 3,
        /// <summary>Alpha, blue, green, red.</summary>
        ABGR = 4,
        /// <summary>Alpha, green, red, blue.</summary>
        AGRB = 5,
        /// <summary>Alpha, green, blue, red.</summary>
        AGBR = 6,
    }

    /// <summary>The present channels in layout order, as indices into (A, R, G, B).</summary>
    internal static int[] Channels(ColorBits bits, ColorsOrder order)
    {
        var sequence = order switch
        {
            ColorsOrder.ARGB => "ARGB",
            ColorsOrder.ARBG => "ARBG",
            ColorsOrder.ABRG => "ABRG",
            ColorsOrder.ABGR => "ABGR",
            ColorsOrder.AGRB => "AGRB",
            ColorsOrder.AGBR => "AGBR",
            _ => throw new ArgumentOutOfRangeException(nameof(order)),
        };
        var present = sequence.Where(c => c switch
        {
            'A' => bits.HasFlag(ColorBits.Alpha),
            'R' => bits.HasFlag(ColorBits.Red),
            'G' => bits.HasFlag(ColorBits.Green),
            _ => bits.HasFlag(ColorBits.Blue),
        }).Select(c => "ARGB".IndexOf(c)).ToArray();
        if (present.Length == 0) throw new ArgumentException("At least one color channel must be selected.", nameof(bits));
        return present;
    }
}

/// <summary>
/// Turns images of a known size into a vector: channel-major (C x H x W) or interleaved (H x W x C),
/// each value (pixel - offset) * scale (<c>mlContext.Transforms.ExtractPixels</c>).
/// </summary>
[ModelComponent(ComponentId)]
public sealed class ImagePixelExtractingTransformer : ImageTransformerBase
{
    internal const string ComponentId = "ImagePixelExtracting";
    private readonly int[] channels;

    internal ImagePixelExtractingTransformer(string output, string input, ImagePixelExtractingEstimator.ColorBits colors, ImagePixelExtractingEstimator.ColorsOrder order,
                                             bool interleave, float offset, float scale, bool asFloat) : base(output, input)
    {
        Colors = colors;
        Order = order;
        Interleave = interleave;
        Offset = offset;
        Scale = scale;
        OutputAsFloatArray = asFloat;
        channels = ImagePixelExtractingEstimator.Channels(colors, order);
        if (!asFloat && (offset != 0 || scale != 1)) throw new ArgumentException("Offset and scale need float output.", nameof(offset));
    }

    /// <summary>Channels extracted.</summary>
    public ImagePixelExtractingEstimator.ColorBits Colors { get; }
    /// <summary>Channel order.</summary>
    public ImagePixelExtractingEstimator.ColorsOrder Order { get; }
    /// <summary>Interleaved (H x W x C) rather than planar (C x H x W).</summary>
    public bool Interleave { get; }
    /// <summary>Subtracted from each pixel value.</summary>
    public float Offset { get; }
    /// <summary>Multiplies each value after the offset.</summary>
    public float Scale { get; }
    /// <summary>Float vector (true) or byte vector (false).</summary>
    public bool OutputAsFloatArray { get; }

    /// <inheritdoc />
    protected override DataViewType OutputType(DataViewSchema.Column input)
    {
        var image = RequireImage(input);
        if (image.Height == 0) throw new ArgumentOutOfRangeException(nameof(input), $"Input column '{input.Name}' holds images of unknown size; resize them first (ResizeImages).");
        var dims = Interleave ? new[] { image.Height, image.Width, channels.Length } : new[] { channels.Length, image.Height, image.Width };
        return new VectorDataViewType(OutputAsFloatArray ? NumberDataViewType.Single : NumberDataViewType.Byte, dims);
    }

    /// <inheritdoc />
    protected override Delegate MakeGetter(DataViewRow input, DataViewSchema.Column source)
    {
        var type = (ImageDataViewType)source.Type;
        var getter = input.GetGetter<MLImage>(source);
        MLImage image = null!;
        var size = type.Height * type.Width;
        void Fill<T>(Span<T> values, Func<byte, T> convert)
        {
            getter(ref image);
            if (image.Width != type.Width || image.Height != type.Height)
            {
                throw new InvalidOperationException($"Column '{source.Name}' declares {type.Height}x{type.Width} images but holds one of {image.Height}x{image.Width}.");
            }
            for (var p = 0; p < size; p++)
            {
                var (r, g, b, a) = image.Pixel(p);
                for (var c = 0; c < channels.Length; c++)
                {
                    var v = channels[c] switch { 0 => a, 1 => r, 2 => g, _ => b };
                    values[Interleave ? p * channels.Length + c : c * size + p] = convert(v);
                }
            }
        }
        if (OutputAsFloatArray)
        {
            return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
            {
                var editor = VBufferEditor.Create(ref value, size * channels.Length);
                Fill(editor.Values, v => (v - Offset) * Scale);
                value = editor.Commit();
            });
        }
        return (ValueGetter<VBuffer<byte>>)((ref VBuffer<byte> value) =>
        {
            var editor = VBufferEditor.Create(ref value, size * channels.Length);
            Fill(editor.Values, v => v);
            value = editor.Commit();
        });
    }

    /// <inheritdoc />
    public override void Save(ModelSaveContext ctx)
    {
        ctx.SetComponent(ComponentId, 1);
        SaveNames(ctx);
        ctx.WriteJson("pixels.json", new PixelOptions { Colors = (int)Colors, Order = (int)Order, Interleave = Interleave, Offset = Offset, Scale = Scale, AsFloat = OutputAsFloatArray });
    }

    /// <summary>Loads a saved transformer.</summary>
    public static ITransformer Load(ModelLoadContext ctx)
    {
        ctx.CheckFormatVersion(1);
        var (output, input) = ReadNames(ctx);
        var o = ctx.ReadJson<PixelOptions>("pixels.json");
        return new ImagePixelExtractingTransformer(output, input, (ImagePixelExtractingEstimator.ColorBits)o.Colors, (ImagePixelExtractingEstimator.ColorsOrder)o.Order,
            o.Interleave, o.Offset, o.Scale, o.AsFloat);
    }

    internal sealed class PixelOptions
    {
        public int Colors { get; set; }
        public int Order { get; set; }
        public bool Interleave { get; set; }
        public float Offset { get; set; }
        public float Scale { get; set; } = 1;
        public bool AsFloat { get; set; } = true;
        public int Height { get; set; }
        public int Width { get; set; }
        public int[] Defaults { get; set; } = Array.Empty<int>();
    }
}

/// <summary>
/// Turns vectors back into images of a given size: pixel = clamp(value * scale - offset, 0, 255), absent
/// channels take the defaults (<c>mlContext.Transforms.ConvertToImage</c>).
/// </summary>
[ModelComponent(ComponentId)]
public sealed class VectorToImageConvertingTransformer : ImageTransformerBase
{
    internal const string ComponentId = "VectorToImageConverting";
    private readonly int[] channels;
    private readonly ImagePixelExtractingTransformer.PixelOptions options;

    internal VectorToImageConvertingTransformer(string output, string input, ImagePixelExtractingTransformer.PixelOptions options) : base(output, input)
    {
        if (options.Height <= 0 || options.Width <= 0) throw new ArgumentOutOfRangeException(nameof(options), $"Image size {options.Height}x{options.Width} must be positive.");
        if (options.Defaults.Length != 4) throw new ArgumentException("Four channel defaults (A, R, G, B) are required.", nameof(options));
        this.options = options;
        channels = ImagePixelExtractingEstimator.Channels((ImagePixelExtractingEstimator.ColorBits)options.Colors, (ImagePixelExtractingEstimator.ColorsOrder)options.Order);
    }

    /// <inheritdoc />
    protected override DataViewType OutputType(DataViewSchema.Column input)
    {
        var expected = options.Height * options.Width * channels.Length;
        if (input.Type is not VectorDataViewType { IsKnownSize: true } v || !ShapeOpsImage.IsNumeric(v.ItemType) || v.Size != expected)
        {
            throw new ArgumentOutOfRangeException(nameof(input), $"Input column '{input.Name}' has type {input.Type}; expected a numeric vector of {expected} values ({channels.Length} channel(s) x {options.Height} x {options.Width}).");
        }
        return new ImageDataViewType(options.Height, options.Width);
    }

    /// <inheritdoc />
    protected override Delegate MakeGetter(DataViewRow input, DataViewSchema.Column source)
    {
        var item = ((VectorDataViewType)source.Type).ItemType;
        Func<int, double> read;
        Action fetch;
        if (item == NumberDataViewType.Single)
        {
            var g = input.GetGetter<VBuffer<float>>(source);
            VBuffer<float> v = default;
            var dense = new float[((VectorDataViewType)source.Type).Size];
            fetch = () => { g(ref v); v.CopyTo(dense); };
            read = i => dense[i];
        }
        else if (item == NumberDataViewType.Double)
        {
            var g = input.GetGetter<VBuffer<double>>(source);
            VBuffer<double> v = default;
            var dense = new double[((VectorDataViewType)source.Type).Size];
            fetch = () => { g(ref v); v.CopyTo(dense); };
            read = i => dense[i];
        }
        else
        {
            var g = input.GetGetter<VBuffer<byte>>(source);
            VBuffer<byte> v = default;
            var dense = new byte[((VectorDataViewType)source.Type).Size];
            fetch = () => { g(ref v); v.CopyTo(dense); };
            read = i => dense[i];
        }
        var size = options.Height * options.Width;
        return (ValueGetter<MLImage>)((ref MLImage value) =>
        {
            fetch();
            var pixels = new byte[size * 4];
            for (var p = 0; p < size; p++)
            {
                // RGBA layout; defaults are indexed A, R, G, B.
                pixels[4 * p] = (byte)options.Defaults[1];
                pixels[4 * p + 1] = (byte)options.Defaults[2];
                pixels[4 * p + 2] = (byte)options.Defaults[3];
                pixels[4 * p + 3] = (byte)options.Defaults[0];
                for (var c = 0; c < channels.Length; c++)
                {
                    var raw = read(options.Interleave ? p * channels.Length + c : c * size + p);
                    var pixel = (byte)Math.Clamp(Math.Round(raw * options.Scale - options.Offset), 0, 255);
                    var target = channels[c] switch { 0 => 3, 1 => 0, 2 => 1, _ => 2 };
                    pixels[4 * p + target] = pixel;
                }
            }
            value = MLImage.CreateFromPixels(options.Width, options.Height, MLPixelFormat.Rgba32, pixels);
        });
    }

    /// <inheritdoc />
    public override void Save(ModelSaveContext ctx)
    {
        ctx.SetComponent(ComponentId, 1);
        SaveNames(ctx);
        ctx.WriteJson("image.json", options);
    }

    /// <summary>Loads a saved transformer.</summary>
    public static ITransformer Load(ModelLoadContext ctx)
    {
        ctx.CheckFormatVersion(1);
        var (output, input) = ReadNames(ctx);
        return new VectorToImageConvertingTransformer(output, input, ctx.ReadJson<ImagePixelExtractingTransformer.PixelOptions>("image.json"));
    }
}

internal static class ShapeOpsImage
{
    public static bool IsNumeric(DataViewType t) => t == NumberDataViewType.Single || t == NumberDataViewType.Double || t == NumberDataViewType.Byte;
}

/// <summary>An estimator that needs no training: <see cref="Fit"/> validates the schema and returns the transformer.</summary>
public sealed class TrivialImageEstimator<TTransformer> : IEstimator<TTransformer> where TTransformer : ImageTransformerBase
{
    private readonly TTransformer transformer;

    internal TrivialImageEstimator(TTransformer transformer) => this.transformer = transformer;

    /// <inheritdoc />
    public TTransformer Fit(IDataView input)
    {
        transformer.GetOutputSchema(input.Schema);
        return transformer;
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var column = Microsoft.ML.Transforms.ShapeOps.Require(inputSchema, transformer.InputColumnName, _ => true, "a column");
        var output = transformer switch
        {
            ImageLoadingTransformer => new SchemaShape.Column(transformer.OutputColumnName, SchemaShape.VectorKind.Scalar, new ImageDataViewType(), false),
            ImagePixelExtractingTransformer p => new SchemaShape.Column(transformer.OutputColumnName, SchemaShape.VectorKind.Vector,
                p.OutputAsFloatArray ? NumberDataViewType.Single : NumberDataViewType.Byte, false),
            _ => new SchemaShape.Column(transformer.OutputColumnName, SchemaShape.VectorKind.Scalar, column.ItemType is ImageDataViewType ? column.ItemType : new ImageDataViewType(), false),
        };
        return Microsoft.ML.Transforms.ShapeOps.With(inputSchema, output);
    }
}
