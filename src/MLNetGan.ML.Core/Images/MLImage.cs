using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.Data;

/// <summary>Pixel layouts of <see cref="MLImage"/>.</summary>
public enum MLPixelFormat
{
    /// <summary>Unknown.</summary>
    Unknown = 0,
    /// <summary>4 bytes per pixel: blue, green, red, alpha.</summary>
    Bgra32 = 1,
    /// <summary>4 bytes per pixel: red, green, blue, alpha.</summary>
    Rgba32 = 2,
}

/// <summary>
/// An in-memory image with 8-bit channels, as ML.NET's <c>MLImage</c>. Reads and writes PNG and BMP (our own
/// codecs), PGM/PPM, and JPEG through Debian's libjpeg-turbo (<c>libturbojpeg0</c>), loaded only when a JPEG is used.
/// </summary>
public sealed class MLImage : IDisposable
{
    private byte[] pixels;
    private bool disposed;

    private MLImage(int width, int height, MLPixelFormat format, byte[] pixels)
    {
        Width = width;
        Height = height;
        PixelFormat = format;
        this.pixels = pixels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }
    /// <summary>Height in pixels.</summary>
    public int Height { get; }
    /// <summary>The layout of <see cref="Pixels"/>.</summary>
    public MLPixelFormat PixelFormat { get; }
    /// <summary>Bits per pixel (32).</summary>
    public int BitsPerPixel => 32;
    /// <summary>A free-form label (ML.NET sets it to the file path).</summary>
    public string? Tag { get; set; }

    /// <summary>The raw pixels, row-major, 4 bytes per pixel in <see cref="PixelFormat"/> order.</summary>
    public ReadOnlySpan<byte> Pixels => disposed ? throw new ObjectDisposedException(nameof(MLImage)) : pixels;

    /// <summary>Loads a PNG, JPEG, BMP, PGM or PPM file (detected from its content).</summary>
    /// <exception cref="InvalidDataException">The file is not a supported image; the message says why.</exception>
    public static MLImage CreateFromFile(string imagePath)
    {
        ArgumentNullException.ThrowIfNull(imagePath);
        using var stream = File.OpenRead(imagePath);
        var image = CreateFromStream(stream);
        image.Tag = imagePath;
        return image;
    }

    /// <summary>Decodes a PNG, JPEG, BMP, PGM or PPM stream.</summary>
    /// <exception cref="InvalidDataException">Unsupported or corrupt image data.</exception>
    /// <exception cref="DllNotFoundException">The data is a JPEG and libjpeg-turbo (libturbojpeg0) is not installed.</exception>
    public static MLImage CreateFromStream(Stream imageStream)
    {
        ArgumentNullException.ThrowIfNull(imageStream);
        using var buffer = new MemoryStream();
        imageStream.CopyTo(buffer);
        var bytes = buffer.ToArray();
        var decoded = PngCodec.IsPng(bytes) ? PngCodec.Decode(bytes)
            : JpegCodec.IsJpeg(bytes) ? JpegCodec.Decode(bytes)
            : BmpCodec.IsBmp(bytes) ? BmpCodec.Decode(bytes)
            : PnmCodec.IsPnm(bytes) ? PnmCodec.Decode(bytes)
            : throw new InvalidDataException("Unsupported image format: PNG, JPEG, BMP, PGM (P5) and PPM (P6) are supported.");
        return new MLImage(decoded.Width, decoded.Height, MLPixelFormat.Rgba32, decoded.Rgba);
    }

    /// <summary>An image from raw 32-bit pixels in <paramref name="pixelFormat"/>.</summary>
    /// <exception cref="ArgumentException">The buffer does not hold width x height x 4 bytes, or the format is unknown.</exception>
    public static MLImage CreateFromPixels(int width, int height, MLPixelFormat pixelFormat, ReadOnlySpan<byte> imagePixelData)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"Image size {width}x{height} is invalid.");
        if (pixelFormat == MLPixelFormat.Unknown) throw new ArgumentException("Pixel format must be Bgra32 or Rgba32.", nameof(pixelFormat));
        if (imagePixelData.Length != checked(width * height * 4))
        {
            throw new ArgumentException($"{width}x{height} pixels need {width * height * 4} bytes; {imagePixelData.Length} were given.", nameof(imagePixelData));
        }
        return new MLImage(width, height, pixelFormat, imagePixelData.ToArray());
    }

    /// <summary>An image from 8-bit gray values (one byte per pixel, opaque).</summary>
    public static MLImage CreateFromGray(int width, int height, ReadOnlySpan<byte> gray)
    {
        if (gray.Length != checked(width * height)) throw new ArgumentException($"{width}x{height} pixels need {width * height} gray bytes; {gray.Length} were given.", nameof(gray));
        var rgba = new byte[gray.Length * 4];
        for (var i = 0; i < gray.Length; i++)
        {
            rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = gray[i];
            rgba[4 * i + 3] = 255;
        }
        return new MLImage(width, height, MLPixelFormat.Rgba32, rgba);
    }

    /// <summary>The pixels as blue, green, red bytes (3 per pixel), as ML.NET's <c>GetBGRPixels</c>.</summary>
    public byte[] GetBGRPixels()
    {
        var result = new byte[Width * Height * 3];
        for (var i = 0; i < Width * Height; i++)
        {
            var (r, g, b, _) = Pixel(i);
            result[3 * i] = b;
            result[3 * i + 1] = g;
            result[3 * i + 2] = r;
        }
        return result;
    }

    /// <summary>
    /// The gray level ML.NET gives a color (its grayscale transform and gray image files): 0.3 red + 0.59 green +
    /// 0.11 blue in single precision, rounded half away from zero, so pure red is 77 and pure blue 28.
    /// </summary>
    internal static byte GrayLevel(byte r, byte g, byte b) => (byte)MathF.Round(0.3f * r + 0.59f * g + 0.11f * b, MidpointRounding.AwayFromZero);

    /// <summary>The red, green, blue and alpha bytes of pixel <paramref name="index"/> (row-major).</summary>
    public (byte R, byte G, byte B, byte A) Pixel(int index)
    {
        var p = Pixels;
        var o = index * 4;
        return PixelFormat == MLPixelFormat.Rgba32 ? (p[o], p[o + 1], p[o + 2], p[o + 3]) : (p[o + 2], p[o + 1], p[o], p[o + 3]);
    }

    /// <summary>True when every pixel has R = G = B.</summary>
    public bool IsGray()
    {
        for (var i = 0; i < Width * Height; i++)
        {
            var (r, g, b, _) = Pixel(i);
            if (r != g || g != b) return false;
        }
        return true;
    }

    /// <summary>
    /// Saves by extension: .png (gray, RGB or RGBA as the content needs), .jpg/.jpeg (quality 95, alpha dropped; needs
    /// libturbojpeg0), .bmp (32-bit with alpha), .pgm or .ppm. Written atomically.
    /// </summary>
    /// <exception cref="ArgumentException">The extension is not supported.</exception>
    public void Save(string imagePath)
    {
        ArgumentNullException.ThrowIfNull(imagePath);
        var extension = Path.GetExtension(imagePath).ToLowerInvariant();
        byte[] bytes = extension switch
        {
            ".png" => PngCodec.Encode(this),
            ".jpg" or ".jpeg" => JpegCodec.Encode(this, quality: 95),
            ".bmp" => BmpCodec.Encode(this),
            ".pgm" => PnmCodec.Encode(this, gray: true),
            ".ppm" => PnmCodec.Encode(this, gray: false),
            _ => throw new ArgumentException($"Cannot save '{imagePath}': supported extensions are .png, .jpg, .jpeg, .bmp, .pgm and .ppm.", nameof(imagePath)),
        };
        AtomicFile.WriteAllBytes(imagePath, bytes);
    }

    /// <summary>Encodes as PNG into <paramref name="stream"/>.</summary>
    public void SaveAsPng(Stream stream) => stream.Write(PngCodec.Encode(this));

    /// <summary>Releases the pixel buffer.</summary>
    public void Dispose()
    {
        disposed = true;
        pixels = Array.Empty<byte>();
    }
}

/// <summary>Writes files so that readers see either the old content or the new, never a partial file.</summary>
public static class AtomicFile
{
    /// <summary>Writes through a temporary file in the same folder, then renames it over <paramref name="path"/>.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Atomically writes <paramref name="bytes"/>.</summary>
    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, s => s.Write(bytes));
}
