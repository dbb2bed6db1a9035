using System.Collections.Immutable;
using Microsoft.ML.Data;

namespace Microsoft.ML.Transforms;

/// <summary>
/// Learns a per-slot affine map y = (x - offset) * scale from data and applies it
/// (<c>mlContext.Transforms.NormalizeMinMax</c> / <c>NormalizeMeanVariance</c>). Inputs are Single or
/// Double scalars or known-size vectors; NaN stays NaN and is ignored when learning.
/// </summary>
public sealed class NormalizingEstimator : IEstimator<NormalizingTransformer>
{
    /// <summary>How the map is learned.</summary>
    public enum NormalizationMode
    {
        /// <summary>
        /// fixZero: offset 0, scale 1 / max(|min|, |max|) (values land in [-1, 1], 0 stays 0);
        /// otherwise offset min, scale 1 / (max - min) (values land in [0, 1]).
        /// </summary>
        MinMax,
        /// <summary>
        /// fixZero: offset 0, scale 1 / sqrt(mean² + variance) (unit second moment, 0 stays 0);
        /// otherwise offset mean, scale 1 / standard deviation. Population variance (divided by n).
        /// </summary>
        MeanVariance,
    }

    private readonly MLContext context;
    private readonly NormalizationMode mode;
    private readonly InputOutputColumnPair[] columns;
    private readonly long maximumExampleCount;
    private readonly bool fixZero;
    private readonly bool useCdf;

    internal NormalizingEstimator(MLContext context, NormalizationMode mode, InputOutputColumnPair[] columns, long maximumExampleCount, bool fixZero, bool useCdf = false)
    {
        if (useCdf && mode != NormalizationMode.MeanVariance) throw new ArgumentException("Only mean-variance normalization can output the normal CDF.", nameof(useCdf));
        if (columns.Length == 0) throw new ArgumentException("At least one column is required.", nameof(columns));
        ArgumentOutOfRangeException.ThrowIfLessThan(maximumExampleCount, 2);
        this.context = context;
        this.mode = mode;
        this.columns = columns;
        this.maximumExampleCount = maximumExampleCount;
        this.fixZero = fixZero;
        this.useCdf = useCdf;
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        ShapeOps.With(inputSchema, columns.Select(p =>
        {
            var c = ShapeOps.Require(inputSchema, p.InputColumnName, s => ShapeOps.IsFloat(s.ItemType) && s.Kind != SchemaShape.VectorKind.VariableVector,
                "Single or Double, scalar or known-size vector");
            return new SchemaShape.Column(p.OutputColumnName, c.Kind, c.ItemType, false);
        }).ToArray());

    /// <summary>Scans up to <c>maximumExampleCount</c> rows to learn each column's scale and offset.</summary>
    public NormalizingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var sources = columns.Select(p => ColumnChecks.RequireColumn(input.Schema, p.InputColumnName,
            t => ShapeOps.IsFloat(t.GetItemType()) && t.GetValueCount() > 0, "Single or Double, scalar or known-size vector")).ToArray();
        var stats = sources.Select(s => new SlotStatistics(s.Type.GetValueCount())).ToArray();
        using (var cursor = input.GetRowCursor(sources))
        {
            var readers = sources.Select((s, i) => SlotReader(cursor, s, stats[i])).ToArray();
            long rows = 0;
            while (rows < maximumExampleCount && cursor.MoveNext())
            {
                foreach (var read in readers) read();
                rows++;
            }
            context.WriteLog(nameof(NormalizingEstimator), $"Learned {mode} normalization of {string.Join(", ", sources.Select(s => s.Name))} from {rows} rows.");
        }
        var learned = columns.Select((p, i) =>
        {
            // The CDF is of the normal fitted to the data: centred on the mean whatever fixZero says.
            var (scale, offset) = mode == NormalizationMode.MinMax ? stats[i].MinMax(fixZero) : stats[i].MeanVariance(fixZero && !useCdf);
            return new NormalizingTransformer.ColumnParameters(p.OutputColumnName, p.InputColumnName, scale, offset)
            {
                Cdf = useCdf, IsDouble = sources[i].Type.GetItemType() == NumberDataViewType.Double, IsVector = sources[i].Type is VectorDataViewType,
            };
        }).ToArray();
        return new NormalizingTransformer(learned);
    }

    private static Action SlotReader(DataViewRow row, DataViewSchema.Column column, SlotStatistics stats)
    {
        var isDouble = column.Type.GetItemType() == NumberDataViewType.Double;
        if (column.Type is VectorDataViewType)
        {
            if (isDouble)
            {
                var g = row.GetGetter<VBuffer<double>>(column);
                VBuffer<double> v = default;
                return () => { g(ref v); stats.Add(v.DenseValues()); };
            }
            var f = row.GetGetter<VBuffer<float>>(column);
            VBuffer<float> fv = default;
            var scratch = new double[column.Type.GetValueCount()];
            return () =>
            {
                f(ref fv);
                var i = 0;
                foreach (var x in fv.DenseValues()) scratch[i++] = x;
                stats.Add(scratch);
            };
        }
        var one = new double[1];
        if (isDouble)
        {
            var g = row.GetGetter<double>(column);
            return () => { g(ref one[0]); stats.Add(one); };
        }
        var sg = row.GetGetter<float>(column);
        float value = 0;
        return () => { sg(ref value); one[0] = value; stats.Add(one); };
    }

    /// <summary>Running per-slot min, max, mean and variance (Welford), skipping NaN.</summary>
    private sealed class SlotStatistics
    {
        private readonly double[] min, max, mean, m2;
        private readonly long[] count;

        public SlotStatistics(int slots)
        {
            min = Enumerable.Repeat(double.PositiveInfinity, slots).ToArray();
            max = Enumerable.Repeat(double.NegativeInfinity, slots).ToArray();
            mean = new double[slots];
            m2 = new double[slots];
            count = new long[slots];
        }

        public void Add(IEnumerable<double> values)
        {
            var i = 0;
            foreach (var x in values)
            {
                if (!double.IsNaN(x))
                {
                    if (x < min[i]) min[i] = x;
                    if (x > max[i]) max[i] = x;
                    count[i]++;
                    var delta = x - mean[i];
                    mean[i] += delta / count[i];
                    m2[i] += delta * (x - mean[i]);
                }
                i++;
            }
        }

        // A slot with no spread (or no data) gets scale 0 when centred, 1 otherwise: constant inputs map to 0 or stay put.
        public (double[] Scale, double[] Offset) MinMax(bool fixZero)
        {
            var scale = new double[min.Length];
            var offset = new double[min.Length];
            for (var i = 0; i < min.Length; i++)
            {
                if (count[i] == 0) { scale[i] = 1; continue; }
                if (fixZero)
                {
                    var bound = Math.Max(Math.Abs(min[i]), Math.Abs(max[i]));
                    scale[i] = bound > 0 ? 1 / bound : 1;
                }
                else
                {
                    offset[i] = min[i];
                    scale[i] = max[i] > min[i] ? 1 / (max[i] - min[i]) : 0;
                }
            }
            return (scale, offset);
        }

        public (double[] Scale, double[] Offset) MeanVariance(bool fixZero)
        {
            var scale = new double[min.Length];
            var offset = new double[min.Length];
            for (var i = 0; i < min.Length; i++)
            {
                if (count[i] == 0) { scale[i] = 1; continue; }
                var variance = m2[i] / count[i];
                if (fixZero)
                {
                    var secondMoment = mean[i] * mean[i] + variance;
                    scale[i] = secondMoment > 0 ? 1 / Math.Sqrt(secondMoment) : 1;
                }
                else
                {
                    offset[i] = mean[i];
                    scale[i] = variance > 0 ? 1 / Math.Sqrt(variance) : 0;
                }
            }
            return (scale, offset);
        }
    }
}

/// <summary>
/// The fitted normalization: per output column, per slot, y = (x - offset) * scale, or with <see cref="ColumnParameters.Cdf"/>
/// the standard normal CDF of that, Φ((x - mean) / standard deviation).
/// </summary>
[ModelComponent(ComponentId)]
public sealed class NormalizingTransformer : RowToRowTransformerBase
{
    internal const string ComponentId = "Normalizing";

    /// <summary>One column's learned map.</summary>
    public sealed class ColumnParameters
    {
        /// <summary>Creates the parameters.</summary>
        public ColumnParameters(string outputColumnName, string inputColumnName, double[] scale, double[] offset)
        {
            if (scale.Length != offset.Length) throw new ArgumentException("Scale and offset must have one entry per slot.", nameof(offset));
            OutputColumnName = outputColumnName;
            InputColumnName = inputColumnName;
            Scale = scale;
            Offset = offset;
        }

        /// <summary>The output column.</summary>
        public string OutputColumnName { get; set; }
        /// <summary>The input column.</summary>
        public string InputColumnName { get; set; }
        /// <summary>Per-slot scale.</summary>
        public double[] Scale { get; set; }
        /// <summary>Per-slot offset (subtracted before scaling).</summary>
        public double[] Offset { get; set; }
        /// <summary>Whether the output is the standard normal CDF of the affine map (Offset the mean, Scale 1 / standard deviation).</summary>
        public bool Cdf { get; set; }
        /// <summary>Whether the column holds Double (else Single) values.</summary>
        public bool IsDouble { get; set; }
        /// <summary>Whether the column is a vector (else a scalar).</summary>
        public bool IsVector { get; set; }
    }

    /// <summary>The learned parameters of one column, as ML.NET reports them (<see cref="GetNormalizerModelParameters"/>).</summary>
    public abstract class NormalizerModelParametersBase
    {
        private protected NormalizerModelParametersBase() { }
    }

    /// <summary>
    /// An affine map y = (x - <see cref="Offset"/>) * <see cref="Scale"/>; <typeparamref name="TData"/> is float or double
    /// for a scalar column, <c>ImmutableArray&lt;float&gt;</c> or <c>ImmutableArray&lt;double&gt;</c> for a vector.
    /// </summary>
    public sealed class AffineNormalizerModelParameters<TData> : NormalizerModelParametersBase
    {
        internal AffineNormalizerModelParameters(TData scale, TData offset)
        {
            Scale = scale;
            Offset = offset;
        }

        /// <summary>The scale (per slot for vectors).</summary>
        public TData Scale { get; }
        /// <summary>The offset, subtracted before scaling (per slot for vectors).</summary>
        public TData Offset { get; }
    }

    /// <summary>The normal CDF map y = Φ((x - <see cref="Mean"/>) / <see cref="StandardDeviation"/>); <typeparamref name="TData"/> as for the affine map.</summary>
    public sealed class CdfNormalizerModelParameters<TData> : NormalizerModelParametersBase
    {
        internal CdfNormalizerModelParameters(TData mean, TData standardDeviation)
        {
            Mean = mean;
            StandardDeviation = standardDeviation;
        }

        /// <summary>The mean (per slot for vectors).</summary>
        public TData Mean { get; }
        /// <summary>The standard deviation (per slot for vectors); population standard deviation.</summary>
        public TData StandardDeviation { get; }
        /// <summary>Whether the values were log-transformed first (never: log-mean-variance normalization is not offered).</summary>
        public bool UseLog => false;
    }

    /// <summary>
    /// The parameters learned for column <paramref name="index"/> (in the order the columns were given): an
    /// <see cref="AffineNormalizerModelParameters{TData}"/> or a <see cref="CdfNormalizerModelParameters{TData}"/> whose
    /// TData is float or double for a scalar column and an ImmutableArray of them for a vector column.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not a column of this transformer.</exception>
    public NormalizerModelParametersBase GetNormalizerModelParameters(int index)
    {
        if (index < 0 || index >= Columns.Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"The normalizer has {Columns.Count} column(s).");
        var c = Columns[index];
        var (isDouble, isVector) = (c.IsDouble, c.IsVector);
        var standardDeviation = c.Scale.Select(s => s == 0 ? 0 : 1 / s).ToArray();
        NormalizerModelParametersBase Make<T>(Func<double[], T> data) =>
            c.Cdf ? new CdfNormalizerModelParameters<T>(data(c.Offset), data(standardDeviation)) : new AffineNormalizerModelParameters<T>(data(c.Scale), data(c.Offset));
        return (isDouble, isVector) switch
        {
            (false, false) => Make(v => (float)v[0]),
            (true, false) => Make(v => v[0]),
            (false, true) => Make(v => v.Select(x => (float)x).ToImmutableArray()),
            (true, true) => Make(v => v.ToImmutableArray()),
        };
    }

    internal NormalizingTransformer(ColumnParameters[] columns) => Columns = columns;

    /// <summary>The learned maps.</summary>
    public IReadOnlyList<ColumnParameters> Columns { get; }

    /// <inheritdoc />
    protected override ColumnMapper MakeMapper(DataViewSchema inputSchema) => new Mapper(inputSchema, Columns);

    /// <inheritdoc />
    public override void Save(ModelSaveContext ctx)
    {
        ctx.SetComponent(ComponentId, 1);
        ctx.WriteJson("normalizer.json", Columns);
    }

    /// <summary>Loads a saved normalization.</summary>
    public static ITransformer Load(ModelLoadContext ctx)
    {
        ctx.CheckFormatVersion(1);
        var columns = ctx.ReadJson<ColumnParameters[]>("normalizer.json");
        if (columns.Any(c => c.Scale is null || c.Offset is null || c.Scale.Length != c.Offset.Length || c.Scale.Length == 0))
        {
            throw new InvalidDataException("Normalizer parameters are malformed.");
        }
        return new NormalizingTransformer(columns);
    }

    private sealed class Mapper : ColumnMapper
    {
        private readonly IReadOnlyList<ColumnParameters> parameters;
        private readonly DataViewSchema.Column[] sources;
        private readonly DataViewSchema.DetachedColumn[] outputs;

        public Mapper(DataViewSchema schema, IReadOnlyList<ColumnParameters> parameters) : base(schema)
        {
            this.parameters = parameters;
            sources = parameters.Select(p =>
            {
                var c = ColumnChecks.RequireColumn(schema, p.InputColumnName, t => ShapeOps.IsFloat(t.GetItemType()) && t.GetValueCount() > 0,
                    "Single or Double, scalar or known-size vector");
                if (c.Type.GetValueCount() != p.Scale.Length)
                {
                    throw new ArgumentOutOfRangeException(nameof(schema), $"Input column '{p.InputColumnName}' has {c.Type.GetValueCount()} values per row but the normalizer was trained on {p.Scale.Length}.");
                }
                return c;
            }).ToArray();
            outputs = parameters.Select((p, i) =>
            {
                var annotations = new DataViewSchema.Annotations.Builder();
                annotations.Add(sources[i].Annotations, kind => kind == AnnotationUtils.Kinds.SlotNames);
                annotations.Add(AnnotationUtils.Kinds.IsNormalized, BooleanDataViewType.Instance, true);
                return new DataViewSchema.DetachedColumn(p.OutputColumnName, sources[i].Type, annotations.ToAnnotations());
            }).ToArray();
        }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns => outputs;
        public override IEnumerable<int> GetDependencies(int outputIndex) => new[] { sources[outputIndex].Index };

        public override Delegate CreateGetter(DataViewRow input, int outputIndex)
        {
            var source = sources[outputIndex];
            var scale = parameters[outputIndex].Scale;
            var offset = parameters[outputIndex].Offset;
            var cdf = parameters[outputIndex].Cdf;
            var isDouble = source.Type.GetItemType() == NumberDataViewType.Double;
            var column = input.Schema[source.Index];
            if (source.Type is VectorDataViewType)
            {
                if (isDouble)
                {
                    var g = input.GetGetter<VBuffer<double>>(column);
                    // Read into a buffer of our own: the output may reuse the caller's arrays, which a sparse
                    // input must not share while it is being densified.
                    VBuffer<double> read = default;
                    return (ValueGetter<VBuffer<double>>)((ref VBuffer<double> value) =>
                    {
                        g(ref read);
                        var editor = VBufferEditor.Create(ref value, scale.Length);
                        read.CopyTo(editor.Values);
                        for (var i = 0; i < scale.Length; i++) editor.Values[i] = (editor.Values[i] - offset[i]) * scale[i];
                        if (cdf) for (var i = 0; i < scale.Length; i++) editor.Values[i] = NormalDistribution.Cdf(editor.Values[i]);
                        value = editor.Commit();
                    });
                }
                var f = input.GetGetter<VBuffer<float>>(column);
                var fscale = scale.Select(s => (float)s).ToArray();
                var foffset = offset.Select(o => (float)o).ToArray();
                VBuffer<float> src = default;
                return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
                {
                    f(ref src);
                    var editor = VBufferEditor.Create(ref value, fscale.Length);
                    src.CopyTo(editor.Values);
                    var values = editor.Values;
                    for (var i = 0; i < values.Length; i++) values[i] = (values[i] - foffset[i]) * fscale[i];
                    if (cdf) for (var i = 0; i < values.Length; i++) values[i] = (float)NormalDistribution.Cdf(values[i]);
                    value = editor.Commit();
                });
            }
            if (isDouble)
            {
                var g = input.GetGetter<double>(column);
                return (ValueGetter<double>)((ref double value) =>
                {
                    g(ref value);
                    value = (value - offset[0]) * scale[0];
                    if (cdf) value = NormalDistribution.Cdf(value);
                });
            }
            var sg = input.GetGetter<float>(column);
            var s0 = (float)scale[0];
            var o0 = (float)offset[0];
            return (ValueGetter<float>)((ref float value) =>
            {
                sg(ref value);
                value = (value - o0) * s0;
                if (cdf) value = (float)NormalDistribution.Cdf(value);
            });
        }
    }
}

/// <summary>The standard normal distribution's CDF, Φ(z) = erfc(-z / √2) / 2, to about 1e-15 (.NET has no erf).</summary>
internal static class NormalDistribution
{
    public static double Cdf(double z) => double.IsNaN(z) ? double.NaN : 0.5 * Erfc(-z / Math.Sqrt(2));

    /// <summary>erfc(x): 1 - erf(x) from its Maclaurin series for |x| &lt; 2, a continued fraction beyond (no cancellation in the tails).</summary>
    public static double Erfc(double x)
    {
        if (x < 0) return 2 - Erfc(-x);
        if (x < 2) return 1 - Erf(x);
        if (x > 27) return 0; // below the smallest double
        // erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated bottom-up.
        double fraction = x;
        for (var k = 60; k >= 1; k--) fraction = x + k / 2.0 / fraction;
        return Math.Exp(-x * x) / Math.Sqrt(Math.PI) / fraction;
    }

    private static double Erf(double x)
    {
        // 2/√π Σ (-1)ⁿ x^(2n+1) / (n! (2n+1)); for |x| < 2 the terms peak below 10 and fall fast.
        double term = x, sum = x;
        for (var n = 1; n < 100 && Math.Abs(term) > 1e-17 * Math.Abs(sum); n++)
        {
            term *= -x * x / n;
            sum += term / (2 * n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }
}
