using System.Buffers.Binary;

namespace Microsoft.ML.Data;

/// <summary>
/// Windows bitmaps, read and written by us: 1, 4 and 8-bit palettes, 16-bit (5-5-5 or bit fields), 24-bit and 32-bit
/// (with an alpha mask from bit fields or a V4/V5 header), bottom-up or top-down. Run-length compressed bitmaps are
/// refused with a clear message. Writes 32-bit BGRA with a V4 header, so alpha survives.
/// </summary>
internal static class BmpCodec
{
    private const long MaxPixels = 1L << 28;
    private const int FileHeaderSize = 14;
    private const int V4HeaderSize = 108;
    private const int BiRgb = 0, BiBitFields = 3, BiAlphaBitFields = 6;

    public static bool IsBmp(ReadOnlySpan<byte> data) => data.Length >= FileHeaderSize + 12 && data[0] == (byte)'B' && data[1] == (byte)'M';

    public static DecodedImage Decode(byte[] data)
    {
        static void Require(bool ok, string problem)
        {
            if (!ok) throw new InvalidDataException("BMP: " + problem);
        }

        var span = data.AsSpan();
        var pixelOffset = BinaryPrimitives.ReadUInt32LittleEndian(span[10..]);
        var headerSize = BinaryPrimitives.ReadInt32LittleEndian(span[14..]);
        Require(headerSize is 12 or 40 or 52 or 56 or 108 or 124 && FileHeaderSize + headerSize <= data.Length, $"header size {headerSize} is not one of the known DIB headers.");
        var header = span.Slice(FileHeaderSize, headerSize);
        int width, height, bits, compression = BiRgb, colorsUsed = 0;
        if (headerSize == 12)
        {
            (width, height, bits) = (BinaryPrimitives.ReadUInt16LittleEndian(header[4..]), BinaryPrimitives.ReadInt16LittleEndian(header[6..]), BinaryPrimitives.ReadUInt16LittleEndian(header[10..]));
        }
        else
        {
            width = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
            height = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
            bits = BinaryPrimitives.ReadUInt16LittleEndian(header[14..]);
            compression = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
            colorsUsed = BinaryPrimitives.ReadInt32LittleEndian(header[32..]);
        }
        var topDown = height < 0;
        height = Math.Abs(height);
        Require(width > 0 && height > 0 && (long)width * height <= MaxPixels, $"size {width}x{height} is out of range.");
        Require(bits is 1 or 4 or 8 or 16 or 24 or 32, $"{bits} bits per pixel are not supported.");
        Require(compression is BiRgb or BiBitFields or BiAlphaBitFields, compression is 1 or 2
            ? "run-length compressed bitmaps are not supported; save the image uncompressed."
            : $"compression {compression} is not supported.");

        // Bit-field masks: after a 40-byte header (3 or 4 of them) or inside V2..V5 headers; defaults otherwise.
        uint red = 0, green = 0, blue = 0, alpha = 0;
        if (compression != BiRgb)
        {
            var masks = headerSize >= 52 ? header[40..] : span[(FileHeaderSize + headerSize)..];
            Require(masks.Length >= 12, "bit-field masks are missing.");
            (red, green, blue) = (BinaryPrimitives.ReadUInt32LittleEndian(masks), BinaryPrimitives.ReadUInt32LittleEndian(masks[4..]), BinaryPrimitives.ReadUInt32LittleEndian(masks[8..]));
            if ((headerSize >= 56 || compression == BiAlphaBitFields) && masks.Length >= 16) alpha = BinaryPrimitives.ReadUInt32LittleEndian(masks[12..]);
        }
        else if (bits == 16) (red, green, blue) = (0x7C00, 0x03E0, 0x001F);
        else if (bits == 32)
        {
            (red, green, blue) = (0x00FF0000, 0x0000FF00, 0x000000FF);
            if (headerSize >= 108) alpha = BinaryPrimitives.ReadUInt32LittleEndian(header[52..]);
        }

        byte[][] palette = Array.Empty<byte[]>();
        if (bits <= 8)
        {
            var entries = colorsUsed > 0 ? colorsUsed : 1 << bits;
            var entrySize = headerSize == 12 ? 3 : 4;
            var start = FileHeaderSize + headerSize + (compression == BiBitFields ? 12 : 0);
            Require(entries <= 256 && start + (long)entries * entrySize <= data.Length, "the palette is truncated.");
            palette = Enumerable.Range(0, entries).Select(i => new[] { data[start + i * entrySize + 2], data[start + i * entrySize + 1], data[start + i * entrySize] }).ToArray();
        }

        var stride = (int)(((long)width * bits + 31) / 32 * 4);
        Require(pixelOffset + (long)stride * height <= data.Length, $"pixel data is truncated ({data.Length} bytes for {stride * (long)height} from offset {pixelOffset}).");
        var rgba = new byte[checked(width * height * 4)];
        for (var y = 0; y < height; y++)
        {
            var row = span.Slice((int)pixelOffset + (topDown ? y : height - 1 - y) * stride, stride);
            for (var x = 0; x < width; x++)
            {
                var o = (y * width + x) * 4;
                if (bits <= 8)
                {
                    var bitOffset = x * bits;
                    var index = (row[bitOffset / 8] >> (8 - bits - bitOffset % 8)) & ((1 << bits) - 1);
                    Require(index < palette.Length, $"pixel ({x}, {y}) uses palette entry {index} of {palette.Length}.");
                    (rgba[o], rgba[o + 1], rgba[o + 2], rgba[o + 3]) = (palette[index][0], palette[index][1], palette[index][2], 255);
                }
                else if (bits == 24)
                {
                    (rgba[o], rgba[o + 1], rgba[o + 2], rgba[o + 3]) = (row[3 * x + 2], row[3 * x + 1], row[3 * x], 255);
                }
                else
                {
                    var value = bits == 16 ? BinaryPrimitives.ReadUInt16LittleEndian(row[(2 * x)..]) : BinaryPrimitives.ReadUInt32LittleEndian(row[(4 * x)..]);
                    (rgba[o], rgba[o + 1], rgba[o + 2]) = (Channel(value, red), Channel(value, green), Channel(value, blue));
                    rgba[o + 3] = alpha == 0 ? (byte)255 : Channel(value, alpha);
                }
            }
        }
        return new DecodedImage(width, height, rgba);
    }

    // A masked channel scaled to 0..255 (5 bits: 31 -> 255).
    private static byte Channel(uint value, uint mask)
    {
        if (mask == 0) return 0;
        var shift = System.Numerics.BitOperations.TrailingZeroCount(mask);
        var max = mask >> shift;
        return (byte)(((value & mask) >> shift) * 255 / max);
    }

    /// <summary>32-bit BGRA, bottom-up, with a V4 header whose bit fields include alpha.</summary>
    public static byte[] Encode(MLImage image)
    {
        var pixelBytes = image.Width * image.Height * 4;
        var offset = FileHeaderSize + V4HeaderSize;
        var data = new byte[offset + pixelBytes];
        var span = data.AsSpan();
        span[0] = (byte)'B';
        span[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(span[2..], data.Length);
        BinaryPrimitives.WriteInt32LittleEndian(span[10..], offset);
        var header = span[FileHeaderSize..];
        BinaryPrimitives.WriteInt32LittleEndian(header, V4HeaderSize);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], image.Width);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], image.Height);
        BinaryPrimitives.WriteInt16LittleEndian(header[12..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(header[14..], 32);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], BiBitFields);
        BinaryPrimitives.WriteInt32LittleEndian(header[20..], pixelBytes);
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], 2835); // 72 dpi
        BinaryPrimitives.WriteInt32LittleEndian(header[28..], 2835);
        BinaryPrimitives.WriteUInt32LittleEndian(header[40..], 0x00FF0000);
        BinaryPrimitives.WriteUInt32LittleEndian(header[44..], 0x0000FF00);
        BinaryPrimitives.WriteUInt32LittleEndian(header[48..], 0x000000FF);
        BinaryPrimitives.WriteUInt32LittleEndian(header[52..], 0xFF000000);
        BinaryPrimitives.WriteUInt32LittleEndian(header[56..], 0x73524742); // 'sRGB'
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                var (r, g, b, a) = image.Pixel(y * image.Width + x);
                var o = offset + ((image.Height - 1 - y) * image.Width + x) * 4;
                (data[o], data[o + 1], data[o + 2], data[o + 3]) = (b, g, r, a);
            }
        }
        return data;
    }
}
