using System.Buffers.Binary;
using System.Text.Json;

namespace MLNetGan.Torch.Serialization;

/// <summary>
/// Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header
/// mapping names to dtype, shape and byte range, then raw little-endian tensor data. It holds data
/// only, so loading can never run code (unlike pickle-based checkpoints).
/// </summary>
public static class SafeTensors
{
    private const long MaxHeaderBytes = 100L * 1024 * 1024;
    private const string MetadataKey = "__metadata__";

    /// <summary>Writes <paramref name="tensors"/> (in the given order) and optional string metadata to <paramref name="stream"/>.</summary>
    public static void Save(IEnumerable<KeyValuePair<string, Tensor>> tensors, Stream stream, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(stream);
        var entries = tensors.ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        long offset = 0;
        var layout = new List<(string Name, Tensor Tensor, long Start, long End)>();
        foreach (var (name, tensor) in entries)
        {
            if (string.IsNullOrEmpty(name) || name == MetadataKey) throw new ArgumentException($"'{name}' is not a valid tensor name.", nameof(tensors));
            if (!names.Add(name)) throw new ArgumentException($"Tensor name '{name}' appears twice.", nameof(tensors));
            var bytes = tensor.numel() * ScalarTypes.ElementSize(tensor.dtype);
            layout.Add((name, tensor, offset, offset + bytes));
            offset += bytes;
        }

        using var headerBuffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(headerBuffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (k, v) in metadata) json.WriteString(k, v);
                json.WriteEndObject();
            }
            foreach (var (name, tensor, start, end) in layout)
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", DtypeName(tensor.dtype));
                json.WriteStartArray("shape");
                foreach (var s in tensor.shape) json.WriteNumberValue(s);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(start);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        // The format pads the header with spaces to a multiple of 8 bytes so data stays aligned.
        while (headerBuffer.Length % 8 != 0) headerBuffer.WriteByte((byte)' ');

        Span<byte> lengthBytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(lengthBytes, headerBuffer.Length);
        stream.Write(lengthBytes);
        headerBuffer.Position = 0;
        headerBuffer.CopyTo(stream);
        foreach (var (_, tensor, start, end) in layout)
        {
            var data = new byte[end - start];
            tensor.CopyRawBytes(data);
            stream.Write(data);
        }
    }

    /// <summary>Reads every tensor (CPU) and the metadata. The caller owns the returned tensors.</summary>
    /// <exception cref="InvalidDataException">The stream is truncated or its header is malformed; the message says what is wrong.</exception>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> lengthBytes = stackalloc byte[8];
        ReadExactly(stream, lengthBytes, "header length");
        var headerLength = BinaryPrimitives.ReadInt64LittleEndian(lengthBytes);
        if (headerLength <= 0 || headerLength > MaxHeaderBytes) throw new InvalidDataException($"safetensors header length {headerLength} is out of range.");
        var header = ReadBytes(stream, headerLength, "header");

        var specs = new List<(string Name, ScalarType Type, long[] Shape, long Start, long End)>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(header);
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidDataException("safetensors header is not a JSON object.");
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == MetadataKey)
                {
                    foreach (var m in property.Value.EnumerateObject()) metadata[m.Name] = m.Value.GetString() ?? "";
                    continue;
                }
                var type = ParseDtype(property.Value.GetProperty("dtype").GetString(), property.Name);
                var shape = property.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                var offsets = property.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                if (offsets.Length != 2 || shape.Any(s => s < 0)) throw new InvalidDataException($"safetensors entry '{property.Name}' has a malformed shape or offsets.");
                var expected = shape.Aggregate(1L, (a, b) => checked(a * b)) * ScalarTypes.ElementSize(type);
                if (offsets[1] - offsets[0] != expected || offsets[0] < 0)
                {
                    throw new InvalidDataException($"safetensors entry '{property.Name}' spans {offsets[1] - offsets[0]} bytes but its shape needs {expected}.");
                }
                specs.Add((property.Name, type, shape, offsets[0], offsets[1]));
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new InvalidDataException($"safetensors header is malformed: {e.Message}", e);
        }

        // Entries must tile the data area exactly: no gaps, no overlaps.
        specs.Sort((a, b) => a.Start.CompareTo(b.Start));
        long cursor = 0;
        foreach (var s in specs)
        {
            if (s.Start != cursor) throw new InvalidDataException($"safetensors entry '{s.Name}' does not start where the previous one ends.");
            cursor = s.End;
        }

        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var s in specs)
            {
                var data = ReadBytes(stream, s.End - s.Start, $"data of '{s.Name}'");
                result[s.Name] = Tensor.FromRawBytes(data, s.Type, s.Shape);
            }
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return (result, metadata);
    }

    // Lengths come from the file, so memory is committed only as data actually arrives: a header that
    // claims gigabytes in a small file fails after reading what is there, not after allocating the claim.
    private const int ChunkBytes = 1 << 20;

    private static byte[] ReadBytes(Stream stream, long count, string what)
    {
        if (count > Array.MaxLength) throw new InvalidDataException($"safetensors {what} of {count} bytes is too large for one tensor.");
        if (stream.CanSeek && count > stream.Length - stream.Position)
        {
            throw new InvalidDataException($"safetensors stream ended early while reading the {what} ({stream.Length - stream.Position} of {count} bytes).");
        }
        if (count <= ChunkBytes || stream.CanSeek)
        {
            var whole = new byte[count];
            ReadExactly(stream, whole, what);
            return whole;
        }
        var chunks = new List<byte[]>();
        for (long remaining = count; remaining > 0; remaining -= ChunkBytes)
        {
            var chunk = new byte[Math.Min(remaining, ChunkBytes)];
            ReadExactly(stream, chunk, what, alreadyRead: count - remaining, total: count);
            chunks.Add(chunk);
        }
        var result = new byte[count];
        var offset = 0;
        foreach (var chunk in chunks)
        {
            chunk.CopyTo(result, offset);
            offset += chunk.Length;
        }
        return result;
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string what, long alreadyRead = 0, long? total = null)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = stream.Read(buffer[read..]);
            if (n == 0) throw new InvalidDataException($"safetensors stream ended early while reading the {what} ({alreadyRead + read} of {total ?? buffer.Length} bytes).");
            read += n;
        }
    }

    private static string DtypeName(ScalarType type) => type switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float64 => "F64",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"dtype {type} cannot be saved."),
    };

    private static ScalarType ParseDtype(string? name, string entry) => name switch
    {
        "F32" => ScalarType.Float32,
        "F64" => ScalarType.Float64,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "I16" => ScalarType.Int16,
        "I8" => ScalarType.Int8,
        "U8" => ScalarType.Byte,
        "BOOL" => ScalarType.Bool,
        _ => throw new InvalidDataException($"safetensors entry '{entry}' has unsupported dtype '{name}'."),
    };
}
