using System.Globalization;
using System.Text;

namespace Microsoft.ML.Data;

/// <summary>
/// The schema ML.NET's <c>SaveAsText(schema: true)</c> writes above the data and its text loader reads when no
/// columns are given: <c>#@ TextLoader{</c>, then <c>#@   header+</c>, <c>#@   sep=tab</c> and one
/// <c>#@   col=Name:KIND:fields</c> per column (KIND R4, R8, TX, BL, I1..U8; keys as <c>U4[0-9]</c>, fields as
/// <c>3</c> or <c>1-784</c>), then <c>#@ }</c>.
/// </summary>
internal static class TextSchemaComment
{
    private const string Prefix = "#@";

    private static readonly (DataKind Kind, string Code)[] Codes =
    {
        (DataKind.SByte, "I1"), (DataKind.Byte, "U1"), (DataKind.Int16, "I2"), (DataKind.UInt16, "U2"), (DataKind.Int32, "I4"),
        (DataKind.UInt32, "U4"), (DataKind.Int64, "I8"), (DataKind.UInt64, "U8"), (DataKind.Single, "R4"), (DataKind.Double, "R8"),
        (DataKind.String, "TX"), (DataKind.Boolean, "BL"), (DataKind.TimeSpan, "TS"), (DataKind.DateTime, "DT"), (DataKind.DateTimeOffset, "DZ"),
    };

    public static IEnumerable<string> Lines(IReadOnlyList<DataViewSchema.Column> columns, char separator, bool header)
    {
        yield return Prefix + " TextLoader{";
        if (header) yield return Prefix + "   header+";
        yield return Prefix + "   sep=" + SeparatorName(separator);
        var field = 0;
        foreach (var column in columns)
        {
            var item = column.Type.GetItemType();
            var width = column.Type is VectorDataViewType { Size: > 0 } vector ? vector.Size : 1;
            var code = Codes.First(c => c.Kind == TextLoader.KindOf(item)).Code;
            if (item is KeyDataViewType key) code += key.Count > 0 ? FormattableString.Invariant($"[0-{key.Count - 1}]") : "[0-*]";
            var fields = width == 1 && column.Type is not VectorDataViewType ? $"{field}" : $"{field}-{field + width - 1}";
            yield return FormattableString.Invariant($"{Prefix}   col={column.Name}:{code}:{fields}");
            field += width;
        }
        yield return Prefix + " }";
    }

    /// <summary>The loader options a file's schema comment describes, or null when the file starts without one.</summary>
    /// <exception cref="FormatException">The comment is there but malformed (the line is named).</exception>
    public static TextLoader.Options? Read(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        var first = reader.ReadLine();
        if (first is null || first.Trim() != Prefix + " TextLoader{") return null;
        var options = new TextLoader.Options { HasHeader = false, AllowQuoting = true };
        var columns = new List<TextLoader.Column>();
        for (var lineNumber = 2; ; lineNumber++)
        {
            var line = reader.ReadLine() ?? throw new FormatException($"{path}: the schema comment has no closing '{Prefix} }}'.");
            if (!line.StartsWith(Prefix, StringComparison.Ordinal)) throw new FormatException($"{path}:{lineNumber}: the schema comment ends without '{Prefix} }}'.");
            var setting = line[Prefix.Length..].Trim();
            if (setting == "}") break;
            if (setting == "header+") options.HasHeader = true;
            else if (setting.StartsWith("sep=", StringComparison.Ordinal)) options.Separators = new[] { SeparatorOf(setting[4..], path, lineNumber) };
            else if (setting.StartsWith("col=", StringComparison.Ordinal)) columns.Add(ColumnOf(setting[4..], path, lineNumber));
            else throw new FormatException($"{path}:{lineNumber}: unknown schema setting '{setting}'.");
        }
        options.Columns = columns.ToArray();
        return options;
    }

    private static TextLoader.Column ColumnOf(string text, string path, int lineNumber)
    {
        // Name:KIND:fields, where the name may itself contain ':' (ML.NET quotes such names; we split from the right).
        var last = text.LastIndexOf(':');
        var middle = last > 0 ? text.LastIndexOf(':', last - 1) : -1;
        if (middle <= 0) throw new FormatException($"{path}:{lineNumber}: column '{text}' is not Name:KIND:fields.");
        var (name, kind, fields) = (text[..middle], text[(middle + 1)..last], text[(last + 1)..]);
        KeyCount? keyCount = null;
        if (kind.IndexOf('[') is var open and > 0 && kind.EndsWith(']'))
        {
            var range = kind[(open + 1)..^1].Split('-');
            keyCount = range is ["0", "*"] ? new KeyCount()
                : range is ["0", var max] && ulong.TryParse(max, NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? new KeyCount(m + 1)
                : throw new FormatException($"{path}:{lineNumber}: key range '{kind[open..]}' of column '{name}' is not [0-N].");
            kind = kind[..open];
        }
        var dataKind = Codes.FirstOrDefault(c => c.Code == kind).Kind;
        if (dataKind == 0) throw new FormatException($"{path}:{lineNumber}: column '{name}' has unknown kind '{kind}'.");
        var bounds = fields.Split('-');
        if (bounds.Length is not (1 or 2) || !bounds.All(b => int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            throw new FormatException($"{path}:{lineNumber}: fields '{fields}' of column '{name}' are not N or N-M.");
        }
        var low = int.Parse(bounds[0], CultureInfo.InvariantCulture);
        var column = bounds.Length == 1
            ? new TextLoader.Column(name, dataKind, low)
            : new TextLoader.Column(name, dataKind, new[] { new TextLoader.Range(low, int.Parse(bounds[1], CultureInfo.InvariantCulture)) }) { ForceVector = true };
        column.KeyCount = keyCount;
        return column;
    }

    private static string SeparatorName(char separator) => separator switch
    {
        '\t' => "tab",
        ' ' => "space",
        ',' => "comma",
        _ => separator.ToString(),
    };

    private static char SeparatorOf(string name, string path, int lineNumber) => name switch
    {
        "tab" => '\t',
        "space" => ' ',
        "comma" => ',',
        { Length: 1 } => name[0],
        _ => throw new FormatException($"{path}:{lineNumber}: separator '{name}' is not tab, space, comma or one character."),
    };
}
