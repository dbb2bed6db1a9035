using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace MLNetGan.Fuzzing;

/// <summary>
/// PNG-aware mutations: damage inside one chunk (or inside the inflated image data) with the chunk's
/// CRC recomputed, so the decoder's own checks are reached instead of stopping at the CRC.
/// </summary>
internal static class PngMutations
{
    public static (byte[] Bytes, string Description) Mutate(byte[] input, Random random)
    {
        var chunks = Parse(input);
        if (chunks is null || chunks.Count == 0) return Mutations.Apply(input, random);
        var index = random.Next(chunks.Count);
        var (type, data) = chunks[index];
        string description;
        if (type == "IDAT" && random.Next(2) == 0)
        {
            using var inflater = new ZLibStream(new MemoryStream(data), CompressionMode.Decompress);
            using var raw = new MemoryStream();
            inflater.CopyTo(raw);
            var (bytes, what) = Mutations.Apply(raw.ToArray(), random);
            using var deflated = new MemoryStream();
            using (var deflater = new ZLibStream(deflated, CompressionLevel.Fastest, leaveOpen: true)) deflater.Write(bytes);
            chunks[index] = (type, deflated.ToArray());
            description = $"inside inflated IDAT: {what}";
        }
        else if (random.Next(4) == 0)
        {
            chunks.Insert(random.Next(chunks.Count + 1), (type, data));
            description = $"chunk {type} duplicated";
        }
        else
        {
            var (bytes, what) = Mutations.Apply(data, random);
            chunks[index] = (type, bytes);
            description = $"chunk {type} (CRC fixed): {what}";
        }
        return (Write(chunks), description);
    }

    private static List<(string Type, byte[] Data)>? Parse(byte[] png)
    {
        var chunks = new List<(string, byte[])>();
        var position = 8;
        while (position + 12 <= png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(position));
            if (length < 0 || position + 12L + length > png.Length) return null;
            chunks.Add((Encoding.ASCII.GetString(png, position + 4, 4), png.AsSpan(position + 8, length).ToArray()));
            position += 12 + length;
        }
        return chunks;
    }

    private static byte[] Write(List<(string Type, byte[] Data)> chunks)
    {
        using var output = new MemoryStream();
        output.Write(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
        Span<byte> word = stackalloc byte[4];
        foreach (var (type, data) in chunks)
        {
            BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
            output.Write(word);
            var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
            output.Write(typeAndData);
            BinaryPrimitives.WriteUInt32BigEndian(word, Microsoft.ML.Data.Crc32.Compute(typeAndData));
            output.Write(word);
        }
        return output.ToArray();
    }
}
