using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Microsoft.ML.Data;

/// <summary>Decoded pixels: row-major RGBA, 4 bytes per pixel.</summary>
internal readonly record struct DecodedImage(int Width, int Height, byte[] Rgba);

/// <summary>
/// PNG (ISO/IEC 15948) reader and writer on <see cref="ZLibStream"/>. Reads non-interlaced 8-bit
/// gray, gray+alpha, RGB and RGBA, and palette or gray images of 1, 2, 4 or 8 bits, with tRNS
/// transparency; checks every chunk CRC. Rejects 16-bit and interlaced images with a clear message.
/// Writes 8-bit gray, RGB or RGBA, choosing the smallest that loses nothing.
/// </summary>
internal static class PngCodec
{
    private static readonly byte[] Signature = { 137, 80, 78, 71, 13, 10, 26, 10 };
    private const long MaxPixels = 1L << 28;
    private const long MaxDeflateRatio = 1032;

    public static bool IsPng(ReadOnlySpan<byte> data) => data.Length >= 8 && data[..8].SequenceEqual(Signature);

    public static DecodedImage Decode(byte[] data)
    {
        if (!IsPng(data)) throw new InvalidDataException("Not a PNG file (bad signature).");
        var position = 8;
        int width = 0, height = 0, bitDepth = 0, colorType = -1;
        byte[]? palette = null;
        byte[]? paletteAlpha = null;
        int[]? transparentColor = null;
        using var compressed = new MemoryStream();
        var sawEnd = false;
        while (!sawEnd)
        {
            if (position + 12 > data.Length) throw new InvalidDataException("PNG is truncated (incomplete chunk header).");
            var length = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(position));
            var type = Encoding.ASCII.GetString(data, position + 4, 4);
            if (length < 0 || position + 12L + length > data.Length) throw new InvalidDataException($"PNG is truncated (chunk '{type}' runs past the end).");
            var body = data.AsSpan(position + 8, length);
            var storedCrc = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(position + 8 + length));
            if (Crc32.Compute(data.AsSpan(position + 4, length + 4)) != storedCrc) throw new InvalidDataException($"PNG chunk '{type}' has a bad CRC (corrupt file).");
            switch (type)
            {
                case "IHDR":
                    if (length != 13) throw new InvalidDataException("PNG header chunk has the wrong size.");
                    width = BinaryPrimitives.ReadInt32BigEndian(body);
                    height = BinaryPrimitives.ReadInt32BigEndian(body[4..]);
                    bitDepth = body[8];
                    colorType = body[9];
                    if (body[10] != 0 || body[11] != 0) throw new InvalidDataException("PNG uses an unknown compression or filter method.");
                    if (body[12] != 0) throw new InvalidDataException("Interlaced (Adam7) PNG is not supported; save the image without interlacing.");
                    if (width <= 0 || height <= 0 || (long)width * height > MaxPixels) throw new InvalidDataException($"PNG size {width}x{height} is out of range.");
                    ValidateFormat(colorType, bitDepth);
                    break;
                case "PLTE":
                    if (length % 3 != 0 || length == 0 || length > 768) throw new InvalidDataException("PNG palette has an invalid size.");
                    palette = body.ToArray();
                    break;
                case "tRNS":
                    if (colorType == 3) paletteAlpha = body.ToArray();
                    else if (colorType == 0 && length >= 2) transparentColor = new[] { BinaryPrimitives.ReadUInt16BigEndian(body) & 0xFF };
                    else if (colorType == 2 && length >= 6) transparentColor = new[] { BinaryPrimitives.ReadUInt16BigEndian(body) & 0xFF, BinaryPrimitives.ReadUInt16BigEndian(body[2..]) & 0xFF, BinaryPrimitives.ReadUInt16BigEndian(body[4..]) & 0xFF };
                    break;
                case "IDAT":
                    compressed.Write(body);
                    break;
                case "IEND":
                    sawEnd = true;
                    break;
                default:
                    if ((type[0] & 0x20) == 0) throw new InvalidDataException($"PNG has an unknown critical chunk '{type}'.");
                    break; // ancillary chunks (text, gamma, ...) are ignored
            }
            position += 12 + length;
        }
        if (colorType < 0) throw new InvalidDataException("PNG has no header chunk.");
        if (colorType == 3 && palette is null) throw new InvalidDataException("Palette PNG has no palette chunk.");

        var channels = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };
        var bitsPerPixel = channels * bitDepth;
        var stride = (int)(((long)width * bitsPerPixel + 7) / 8);
        var filterUnit = Math.Max(1, bitsPerPixel / 8);
        // DEFLATE expands at most 1032:1, so image data that cannot fill the declared size is refused
        // before the buffer for that size is allocated: a 100-byte file cannot claim a gigabyte.
        var rawLength = (long)(stride + 1) * height;
        if (rawLength > MaxDeflateRatio * compressed.Length + 64)
        {
            throw new InvalidDataException($"PNG declares {width}x{height} pixels but holds only {compressed.Length} bytes of image data.");
        }
        var raw = new byte[rawLength];
        compressed.Position = 0;
        using (var inflater = new ZLibStream(compressed, CompressionMode.Decompress))
        {
            var read = 0;
            try
            {
                while (read < raw.Length)
                {
                    var n = inflater.Read(raw, read, raw.Length - read);
                    if (n == 0) break;
                    read += n;
                }
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"PNG image data is corrupt: {e.Message}", e);
            }
            if (read < raw.Length) throw new InvalidDataException($"PNG image data is truncated ({read} of {raw.Length} bytes).");
        }

        var rows = Unfilter(raw, height, stride, filterUnit);
        var rgba = new byte[width * height * 4];
        for (var y = 0; y < height; y++)
        {
            var row = rows.AsSpan(y * stride, stride);
            for (var x = 0; x < width; x++)
            {
                var o = (y * width + x) * 4;
                switch (colorType)
                {
                    case 0:
                    {
                        var v = Sample(row, x, bitDepth);
                        var g = (byte)(v * 255 / ((1 << bitDepth) - 1));
                        rgba[o] = rgba[o + 1] = rgba[o + 2] = g;
                        rgba[o + 3] = transparentColor is not null && transparentColor[0] == v ? (byte)0 : (byte)255;
                        break;
                    }
                    case 2:
                        rgba[o] = row[3 * x];
                        rgba[o + 1] = row[3 * x + 1];
                        rgba[o + 2] = row[3 * x + 2];
                        rgba[o + 3] = transparentColor is not null && transparentColor[0] == rgba[o] && transparentColor[1] == rgba[o + 1] && transparentColor[2] == rgba[o + 2] ? (byte)0 : (byte)255;
                        break;
                    case 3:
                    {
                        var index = Sample(row, x, bitDepth);
                        if (index * 3 + 2 >= palette!.Length) throw new InvalidDataException($"PNG pixel uses palette entry {index}, beyond the {palette.Length / 3} defined.");
                        rgba[o] = palette[index * 3];
                        rgba[o + 1] = palette[index * 3 + 1];
                        rgba[o + 2] = palette[index * 3 + 2];
                        rgba[o + 3] = paletteAlpha is not null && index < paletteAlpha.Length ? paletteAlpha[index] : (byte)255;
                        break;
                    }
                    case 4:
                        rgba[o] = rgba[o + 1] = rgba[o + 2] = row[2 * x];
                        rgba[o + 3] = row[2 * x + 1];
                        break;
                    default:
                        row.Slice(4 * x, 4).CopyTo(rgba.AsSpan(o, 4));
                        break;
                }
            }
        }
        return new DecodedImage(width, height, rgba);
    }

    private static void ValidateFormat(int colorType, int bitDepth)
    {
        if (bitDepth == 16) throw new InvalidDataException("16-bit PNG is not supported; convert the image to 8 bits per channel.");
        var ok = colorType switch
        {
            0 => bitDepth is 1 or 2 or 4 or 8,
            3 => bitDepth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => bitDepth == 8,
            _ => false,
        };
        if (!ok) throw new InvalidDataException($"PNG color type {colorType} with bit depth {bitDepth} is not a valid or supported combination.");
    }

    private static int Sample(ReadOnlySpan<byte> row, int x, int bitDepth)
    {
        if (bitDepth == 8) return row[x];
        var perByte = 8 / bitDepth;
        var shift = 8 - bitDepth * (x % perByte + 1);
        return (row[x / perByte] >> shift) & ((1 << bitDepth) - 1);
    }

    private static byte[] Unfilter(byte[] raw, int height, int stride, int unit)
    {
        var output = new byte[stride * height];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            var src = raw.AsSpan(y * (stride + 1) + 1, stride);
            var dst = output.AsSpan(y * stride, stride);
            var prior = y == 0 ? Span<byte>.Empty : output.AsSpan((y - 1) * stride, stride);
            for (var i = 0; i < stride; i++)
            {
                int left = i >= unit ? dst[i - unit] : 0;
                int up = y > 0 ? prior[i] : 0;
                int upLeft = y > 0 && i >= unit ? prior[i - unit] : 0;
                dst[i] = filter switch
                {
                    0 => src[i],
                    1 => (byte)(src[i] + left),
                    2 => (byte)(src[i] + up),
                    3 => (byte)(src[i] + ((left + up) >> 1)),
                    4 => (byte)(src[i] + Paeth(left, up, upLeft)),
                    _ => throw new InvalidDataException($"PNG row {y} uses unknown filter type {filter}."),
                };
            }
        }
        return output;
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var pa = Math.Abs(p - a);
        var pb = Math.Abs(p - b);
        var pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    public static byte[] Encode(MLImage image)
    {
        var hasAlpha = false;
        for (var i = 0; i < image.Width * image.Height && !hasAlpha; i++) hasAlpha = image.Pixel(i).A != 255;
        var gray = !hasAlpha && image.IsGray();
        var channels = gray ? 1 : hasAlpha ? 4 : 3;
        var colorType = gray ? 0 : hasAlpha ? 6 : 2;
        var stride = image.Width * channels;

        var rows = new byte[stride * image.Height];
        for (var i = 0; i < image.Width * image.Height; i++)
        {
            var (r, g, b, a) = image.Pixel(i);
            var o = i * channels;
            if (gray)
            {
                rows[o] = r;
                continue;
            }
            rows[o] = r;
            rows[o + 1] = g;
            rows[o + 2] = b;
            if (hasAlpha) rows[o + 3] = a;
        }

        using var idat = new MemoryStream();
        using (var deflater = new ZLibStream(idat, CompressionLevel.Optimal, leaveOpen: true))
        {
            var filtered = new byte[stride + 1];
            for (var y = 0; y < image.Height; y++)
            {
                FilterRow(rows, y, stride, channels, filtered);
                deflater.Write(filtered);
            }
        }

        using var output = new MemoryStream();
        output.Write(Signature);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], image.Height);
        header[8] = 8;
        header[9] = (byte)colorType;
        header[10] = header[11] = header[12] = 0;
        WriteChunk(output, "IHDR", header);
        WriteChunk(output, "IDAT", idat.ToArray());
        WriteChunk(output, "IEND", ReadOnlySpan<byte>.Empty);
        return output.ToArray();
    }

    // Picks, per row, the filter with the smallest sum of absolute residuals (the usual heuristic).
    private static void FilterRow(byte[] rows, int y, int stride, int unit, byte[] best)
    {
        var current = rows.AsSpan(y * stride, stride);
        var prior = y > 0 ? rows.AsSpan((y - 1) * stride, stride) : Span<byte>.Empty;
        var candidate = new byte[stride + 1];
        long bestScore = long.MaxValue;
        for (var filter = 0; filter <= 4; filter++)
        {
            candidate[0] = (byte)filter;
            long score = 0;
            for (var i = 0; i < stride; i++)
            {
                int left = i >= unit ? current[i - unit] : 0;
                int up = y > 0 ? prior[i] : 0;
                int upLeft = y > 0 && i >= unit ? prior[i - unit] : 0;
                var predicted = filter switch { 0 => 0, 1 => left, 2 => up, 3 => (left + up) >> 1, _ => Paeth(left, up, upLeft) };
                var residual = (byte)(current[i] - predicted);
                candidate[i + 1] = residual;
                score += residual < 128 ? residual : 256 - residual;
            }
            if (score < bestScore)
            {
                bestScore = score;
                candidate.CopyTo(best, 0);
            }
        }
    }

    private static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> body)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, body.Length);
        output.Write(word);
        var typeAndBody = new byte[4 + body.Length];
        Encoding.ASCII.GetBytes(type, typeAndBody);
        body.CopyTo(typeAndBody.AsSpan(4));
        output.Write(typeAndBody);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Compute(typeAndBody));
        output.Write(word);
    }
}

/// <summary>CRC-32 (ISO 3309 polynomial, as PNG uses).</summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in data) c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }
}

/// <summary>Binary PGM (P5) and PPM (P6) with 8-bit samples.</summary>
internal static class PnmCodec
{
    public static bool IsPnm(ReadOnlySpan<byte> data) => data.Length >= 2 && data[0] == 'P' && (data[1] == '5' || data[1] == '6');

    public static DecodedImage Decode(byte[] data)
    {
        var gray = data[1] == '5';
        var position = 2;
        var width = ReadNumber(data, ref position);
        var height = ReadNumber(data, ref position);
        var max = ReadNumber(data, ref position);
        if (max <= 0 || max > 255) throw new InvalidDataException($"PNM maximum value {max} is not supported (8-bit only).");
        if (width <= 0 || height <= 0 || (long)width * height > (1L << 28)) throw new InvalidDataException($"PNM size {width}x{height} is out of range.");
        position++; // the single whitespace after the header
        var channels = gray ? 1 : 3;
        if (position + (long)width * height * channels > data.Length) throw new InvalidDataException("PNM is truncated.");
        var rgba = new byte[width * height * 4];
        for (var i = 0; i < width * height; i++)
        {
            for (var c = 0; c < 3; c++)
            {
                var v = data[position + i * channels + (gray ? 0 : c)];
                rgba[4 * i + c] = (byte)(v * 255 / max);
            }
            rgba[4 * i + 3] = 255;
        }
        return new DecodedImage(width, height, rgba);
    }

    private static int ReadNumber(byte[] data, ref int position)
    {
        while (position < data.Length && (char.IsWhiteSpace((char)data[position]) || data[position] == '#'))
        {
            if (data[position] == '#') while (position < data.Length && data[position] != '\n') position++;
            else position++;
        }
        var start = position;
        while (position < data.Length && data[position] >= '0' && data[position] <= '9') position++;
        if (start == position || position - start > 9) throw new InvalidDataException("PNM header is malformed.");
        return int.Parse(Encoding.ASCII.GetString(data, start, position - start), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static byte[] Encode(MLImage image, bool gray)
    {
        using var output = new MemoryStream();
        output.Write(Encoding.ASCII.GetBytes($"{(gray ? "P5" : "P6")}\n{image.Width} {image.Height}\n255\n"));
        for (var i = 0; i < image.Width * image.Height; i++)
        {
            var (r, g, b, _) = image.Pixel(i);
            if (gray) output.WriteByte(MLImage.GrayLevel(r, g, b));
            else
            {
                output.WriteByte(r);
                output.WriteByte(g);
                output.WriteByte(b);
            }
        }
        return output.ToArray();
    }
}
