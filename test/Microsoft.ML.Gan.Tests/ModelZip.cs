using System.IO.Compression;

namespace MLNetGan.Gan.Tests;

/// <summary>Edits saved model files the way damage or a hostile author would.</summary>
internal static class ModelZip
{
    /// <summary>Rewrites the entries of a saved model zip whose name ends with <paramref name="suffix"/>.</summary>
    public static MemoryStream Rewrite(MemoryStream saved, string suffix, Func<byte[], byte[]> change)
    {
        var output = new MemoryStream();
        using (var source = new ZipArchive(new MemoryStream(saved.ToArray()), ZipArchiveMode.Read))
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                using var input = entry.Open();
                using var buffer = new MemoryStream();
                input.CopyTo(buffer);
                var bytes = entry.FullName.EndsWith(suffix, StringComparison.Ordinal) ? change(buffer.ToArray()) : buffer.ToArray();
                using var written = target.CreateEntry(entry.FullName).Open();
                written.Write(bytes);
            }
        }
        output.Position = 0;
        return output;
    }
}
