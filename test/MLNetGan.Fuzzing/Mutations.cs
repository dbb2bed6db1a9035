using System.Buffers.Binary;

namespace MLNetGan.Fuzzing;

/// <summary>
/// Byte-level mutations of a valid file: the damage real files suffer (bit flips, truncation) and the
/// lies a hostile file tells (huge lengths, duplicated or inserted spans).
/// </summary>
public static class Mutations
{
    /// <summary>Applies one randomly chosen mutation; returns the new bytes and a short description.</summary>
    public static (byte[] Bytes, string Description) Apply(byte[] input, Random random)
    {
        if (input.Length == 0) return (new byte[] { (byte)random.Next(256) }, "one random byte");
        return random.Next(7) switch
        {
            0 => FlipBits(input, random),
            1 => Truncate(input, random),
            2 => HugeLength(input, random),
            3 => DuplicateSpan(input, random),
            4 => OverwriteInteresting(input, random),
            5 => InsertRandom(input, random),
            _ => DeleteSpan(input, random),
        };
    }

    private static (byte[], string) FlipBits(byte[] input, Random random)
    {
        var output = (byte[])input.Clone();
        var flips = 1 + random.Next(8);
        for (var i = 0; i < flips; i++) output[random.Next(output.Length)] ^= (byte)(1 << random.Next(8));
        return (output, $"{flips} bit flip(s)");
    }

    private static (byte[], string) Truncate(byte[] input, Random random)
    {
        var length = random.Next(input.Length);
        return (input[..length], $"truncated to {length} of {input.Length} bytes");
    }

    // Length fields are 4 or 8 bytes, big- or little-endian, at any offset; write a value near a limit.
    private static (byte[], string) HugeLength(byte[] input, Random random)
    {
        var output = (byte[])input.Clone();
        var wide = random.Next(2) == 0 && output.Length >= 8;
        var width = wide ? 8 : 4;
        if (output.Length < width) return FlipBits(input, random);
        var offset = random.Next(output.Length - width + 1);
        var values = new[] { 0x7FFF_FFFFL, 0xFFFF_FFFFL, 0x8000_0000L, 1L << 40, long.MaxValue, -1L, 0x0100_0000L };
        var value = values[random.Next(values.Length)];
        var bigEndian = random.Next(2) == 0;
        var span = output.AsSpan(offset, width);
        if (wide)
        {
            if (bigEndian) BinaryPrimitives.WriteInt64BigEndian(span, value);
            else BinaryPrimitives.WriteInt64LittleEndian(span, value);
        }
        else
        {
            if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(span, unchecked((uint)value));
            else BinaryPrimitives.WriteUInt32LittleEndian(span, unchecked((uint)value));
        }
        return (output, $"{width}-byte {(bigEndian ? "big" : "little")}-endian 0x{value:X} at {offset}");
    }

    private static (byte[], string) DuplicateSpan(byte[] input, Random random)
    {
        var start = random.Next(input.Length);
        var length = 1 + random.Next(Math.Min(input.Length - start, 4096));
        var at = random.Next(input.Length + 1);
        var output = new byte[input.Length + length];
        input.AsSpan(0, at).CopyTo(output);
        input.AsSpan(start, length).CopyTo(output.AsSpan(at));
        input.AsSpan(at).CopyTo(output.AsSpan(at + length));
        return (output, $"{length} bytes from {start} copied to {at}");
    }

    private static (byte[], string) OverwriteInteresting(byte[] input, Random random)
    {
        var output = (byte[])input.Clone();
        var interesting = new byte[] { 0x00, 0xFF, 0x7F, 0x80, 0x01, (byte)'"', (byte)',', (byte)'\n', (byte)'{', (byte)'-' };
        var count = 1 + random.Next(4);
        for (var i = 0; i < count; i++) output[random.Next(output.Length)] = interesting[random.Next(interesting.Length)];
        return (output, $"{count} byte(s) overwritten with boundary values");
    }

    private static (byte[], string) InsertRandom(byte[] input, Random random)
    {
        var length = 1 + random.Next(64);
        var at = random.Next(input.Length + 1);
        var output = new byte[input.Length + length];
        input.AsSpan(0, at).CopyTo(output);
        random.NextBytes(output.AsSpan(at, length));
        input.AsSpan(at).CopyTo(output.AsSpan(at + length));
        return (output, $"{length} random bytes inserted at {at}");
    }

    private static (byte[], string) DeleteSpan(byte[] input, Random random)
    {
        var start = random.Next(input.Length);
        var length = 1 + random.Next(Math.Min(input.Length - start, 256));
        var output = new byte[input.Length - length];
        input.AsSpan(0, start).CopyTo(output);
        input.AsSpan(start + length).CopyTo(output.AsSpan(start));
        return (output, $"{length} bytes deleted at {start}");
    }
}
