using System.Globalization;
using Microsoft.ML.Data;
using MLNetGan.Torch;

namespace Microsoft.ML.Gan;

/// <summary>
/// The classes a conditional GAN was trained on and how it is conditioned on them (Mirza and Osindero 2014): the
/// generator reads [noise | one-hot class], the discriminator reads each sample with its one-hot class beside it
/// (rows: as extra features; images: as extra constant channels). Classes are the label values as the user sees
/// them: text as itself, numbers in invariant culture, booleans "false"/"true", keys by their key-value text.
/// Immutable.
/// </summary>
public sealed record LabelConditioning
{
    /// <summary>Creates the conditioning for <paramref name="classes"/> seen <paramref name="counts"/> times in training.</summary>
    /// <exception cref="ArgumentException">No classes, counts of another length, a negative count or a repeated class.</exception>
    public LabelConditioning(IReadOnlyList<string> classes, IReadOnlyList<long> counts)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(counts);
        if (classes.Count == 0 || classes.Count != counts.Count || counts.Any(c => c < 0) || classes.Distinct(StringComparer.Ordinal).Count() != classes.Count)
        {
            throw new ArgumentException("Label classes must be distinct, at least one, with one non-negative count each.", nameof(classes));
        }
        Classes = classes.ToArray();
        Counts = counts.ToArray();
    }

    /// <summary>The label values, in the order of the one-hot vector.</summary>
    public IReadOnlyList<string> Classes { get; }
    /// <summary>Training rows per class (unlabelled generation draws classes in these proportions).</summary>
    public IReadOnlyList<long> Counts { get; }
    /// <summary>The number of classes.</summary>
    public int Count => Classes.Count;

    /// <summary>The one-hot position of <paramref name="label"/>.</summary>
    /// <exception cref="ArgumentException">The label is not one of <see cref="Classes"/> (they are listed).</exception>
    public int IndexOf(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        for (var i = 0; i < Classes.Count; i++)
        {
            if (string.Equals(Classes[i], label, StringComparison.Ordinal)) return i;
        }
        var known = Classes.Count <= 50 ? string.Join(", ", Classes.Select(c => $"\"{c}\"")) : string.Join(", ", Classes.Take(50).Select(c => $"\"{c}\"")) + ", ...";
        throw new ArgumentException($"Unknown label \"{label}\"; the model knows {Classes.Count}: {known}.", nameof(label));
    }

    /// <summary><paramref name="count"/> class indices drawn in the training proportions.</summary>
    internal long[] Sample(int count, Generator generator) => Sample(count, generator, Counts.Select(c => (double)c).ToArray());

    /// <summary>
    /// <paramref name="count"/> class indices drawn with probabilities proportional to <paramref name="weights"/> (one per
    /// class; uniform when they are all zero), by inverting the cumulative distribution at uniforms from <paramref name="generator"/>.
    /// </summary>
    internal long[] Sample(int count, Generator generator, IReadOnlyList<double> weights)
    {
        var uniform = Uniforms(count, generator);
        var total = weights.Sum();
        var cumulative = new double[Count];
        double running = 0;
        for (var i = 0; i < Count; i++) cumulative[i] = (running += total > 0 ? weights[i] / total : 1.0 / Count);
        // Rounding must not let a uniform pass the last class of positive weight into zero-weight classes after it.
        var lastPositive = total > 0 ? Enumerable.Range(0, Count).Last(i => weights[i] > 0) : Count - 1;
        for (var i = lastPositive; i < Count; i++) cumulative[i] = 1;
        var classes = new long[count];
        for (var r = 0; r < count; r++)
        {
            var k = 0;
            while (k < Count - 1 && uniform[r] >= cumulative[k]) k++;
            classes[r] = k;
        }
        return classes;
    }

    /// <summary><paramref name="count"/> uniforms in [0, 1) from <paramref name="generator"/>, read to the host for drawing indices.</summary>
    internal static float[] Uniforms(int count, Generator generator)
    {
        using var scope = torch.NewDisposeScope();
        return torch.rand(new long[] { count }, generator: generator).data<float>();
    }

    /// <summary>The generator's input: noise [N, L] with the classes' one-hot vectors [N, K] beside it.</summary>
    internal Tensor GeneratorInput(Tensor noise, Tensor classes) =>
        torch.cat(new[] { noise, OneHot(classes, noise) }, 1);

    /// <summary>
    /// The discriminator's input: flattened samples [N, F] with the one-hot class beside each, as K more features
    /// (rows, or images for a fully connected discriminator: <paramref name="imageShape"/> null) or K more constant
    /// channels (images of <paramref name="imageShape"/> for a convolutional one), flattened again.
    /// </summary>
    internal Tensor DiscriminatorInput(Tensor samples, Tensor classes, int[]? imageShape)
    {
        var oneHot = OneHot(classes, samples);
        if (imageShape is not [var channels, var height, var width]) return torch.cat(new[] { samples, oneHot }, 1);
        var rows = samples.size(0);
        var images = samples.reshape(rows, channels, height, width);
        var planes = oneHot.reshape(rows, Count, 1, 1).expand(rows, Count, height, width);
        return torch.cat(new[] { images, planes }, 1).reshape(rows, -1);
    }

    /// <summary>Width of the discriminator's input for samples of <paramref name="features"/> values.</summary>
    internal int DiscriminatorWidth(int features, int[]? imageShape) =>
        imageShape is [_, var height, var width] ? features + Count * height * width : features + Count;

    private Tensor OneHot(Tensor classes, Tensor like) =>
        torch.nn.functional.one_hot(classes, Count).to(like.dtype).to(like.device);

    /// <summary>Rewrites default networks for conditioning: the generator's and the discriminator's first layers take the K extra inputs.</summary>
    internal (NetworkSpec Generator, NetworkSpec Discriminator) Widen(NetworkSpec generator, NetworkSpec discriminator) =>
        (WidenInput(generator), WidenInput(discriminator));

    private NetworkSpec WidenInput(NetworkSpec network)
    {
        var layers = network.Layers.ToList();
        if (layers[0] is { Kind: "Unflatten", Shape: [var channels, .. var rest] } unflatten)
        {
            layers[0] = unflatten with { Shape = new[] { channels + Count }.Concat(rest).ToArray() };
        }
        var first = layers.FindIndex(l => l.Kind is "Linear" or "Conv2d" or "ConvTranspose2d" or "Residual");
        layers[first] = layers[first] with { In = layers[first].In + Count };
        // A residual block passes its input on beside its output, so the K values widen every layer up to the first plain one.
        for (var i = first + 1; i < layers.Count && layers[i - 1].Kind == "Residual"; i++)
        {
            if (layers[i].Kind is "Residual" or "Linear" or "BatchNorm1d") layers[i] = layers[i] with { In = layers[i].In + Count };
        }
        return new NetworkSpec(layers);
    }
}

/// <summary>Reads a label column as the text users see and as class indices.</summary>
internal static class LabelColumn
{
    /// <summary>Whether <paramref name="type"/> can be a label: key, text, Boolean, Single, Double, Int32, Int64, UInt32.</summary>
    public static bool Supports(DataViewType type) => type is KeyDataViewType or TextDataViewType or BooleanDataViewType
        || type == NumberDataViewType.Single || type == NumberDataViewType.Double || type == NumberDataViewType.Int32
        || type == NumberDataViewType.Int64 || type == NumberDataViewType.UInt32;

    /// <summary>Reads every row's label (rows in cursor order) and the classes, in key order for keys, else sorted.</summary>
    /// <exception cref="InvalidOperationException">A row's label is missing (a missing key, empty text or NaN), named with its row.</exception>
    public static (LabelConditioning Conditioning, long[] Classes) Read(IDataView data, DataViewSchema.Column column, int expectedRows)
    {
        var labels = new List<string>(expectedRows);
        using (var cursor = data.GetRowCursor(new[] { column }))
        {
            var read = Reader(cursor, column);
            while (cursor.MoveNext())
            {
                var value = read();
                if (value is null) throw new InvalidOperationException($"Row {labels.Count} of label column '{column.Name}' has a missing value; every row of a conditional GAN needs a label.");
                labels.Add(value);
            }
        }
        if (labels.Count != expectedRows) throw new InvalidOperationException($"Label column '{column.Name}' has {labels.Count} rows but the features have {expectedRows}.");
        var classes = Order(column, labels.Distinct(StringComparer.Ordinal).ToList());
        var index = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        var indices = labels.Select(l => (long)index[l]).ToArray();
        var counts = new long[classes.Count];
        foreach (var i in indices) counts[i]++;
        return (new LabelConditioning(classes, counts), indices);
    }

    /// <summary>A function returning the current row's label as text, or null when it is missing.</summary>
    public static Func<string?> Reader(DataViewRow row, DataViewSchema.Column column)
    {
        var culture = CultureInfo.InvariantCulture;
        switch (column.Type)
        {
            case KeyDataViewType:
            {
                var getter = row.GetGetter<uint>(column);
                var names = ColumnReaders.KeyNames(column);
                uint key = 0;
                return () =>
                {
                    getter(ref key);
                    return key == 0 ? null : names is not null && key <= names.Length ? names[key - 1] : key.ToString(culture);
                };
            }
            case TextDataViewType:
            {
                var getter = row.GetGetter<ReadOnlyMemory<char>>(column);
                ReadOnlyMemory<char> text = default;
                return () =>
                {
                    getter(ref text);
                    return text.Length == 0 ? null : text.ToString();
                };
            }
            case BooleanDataViewType:
            {
                var getter = row.GetGetter<bool>(column);
                var value = false;
                return () =>
                {
                    getter(ref value);
                    return value ? "true" : "false";
                };
            }
        }
        if (column.Type == NumberDataViewType.Single) return ColumnReaders.Of<float, string?>(row, column, v => float.IsNaN(v) ? null : v.ToString("R", culture));
        if (column.Type == NumberDataViewType.Double) return ColumnReaders.Of<double, string?>(row, column, v => double.IsNaN(v) ? null : v.ToString("R", culture));
        if (column.Type == NumberDataViewType.Int32) return ColumnReaders.Of<int, string?>(row, column, v => v.ToString(culture));
        if (column.Type == NumberDataViewType.Int64) return ColumnReaders.Of<long, string?>(row, column, v => v.ToString(culture));
        if (column.Type == NumberDataViewType.UInt32) return ColumnReaders.Of<uint, string?>(row, column, v => v.ToString(culture));
        throw new ArgumentOutOfRangeException(nameof(column), $"Label column '{column.Name}' has type {column.Type}; a key, text, Boolean or number column is needed.");
    }

    private static List<string> Order(DataViewSchema.Column column, List<string> seen)
    {
        if (column.Type is KeyDataViewType && ColumnReaders.KeyNames(column) is { } names)
        {
            var rank = names.Select((n, i) => (n, i)).GroupBy(p => p.n).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
            return seen.OrderBy(s => rank.TryGetValue(s, out var r) ? r : int.MaxValue).ThenBy(s => s, StringComparer.Ordinal).ToList();
        }
        if (column.Type is KeyDataViewType || column.Type is NumberDataViewType)
        {
            return seen.OrderBy(s => double.Parse(s, CultureInfo.InvariantCulture)).ToList();
        }
        return seen.OrderBy(s => s, StringComparer.Ordinal).ToList();
    }
}
