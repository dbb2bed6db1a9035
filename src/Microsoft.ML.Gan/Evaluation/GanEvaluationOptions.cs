namespace Microsoft.ML.Gan;

/// <summary>Settings of <see cref="GanCatalog.Evaluate(GanGenerator, IDataView, GanEvaluationOptions?)"/>.</summary>
public sealed class GanEvaluationOptions
{
    /// <summary>The vector column compared, in both views. Default "Features".</summary>
    public string FeatureColumnName { get; set; } = "Features";

    /// <summary>
    /// Most rows taken from each side (a seeded random subset when a side has more). The distance-based metrics cost
    /// O(rows²) time and memory: 2,000 rows of 784 features take about a second. Default 2,000.
    /// </summary>
    public int MaximumRows { get; set; } = 2_000;

    /// <summary>How many rows to generate when a generator is evaluated; default: as many real rows as are used.</summary>
    public int? GeneratedRows { get; set; }

    /// <summary>Seeds the row subsets, the generated noise and the slicing directions. Default 1.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>k of the k-nearest-neighbour balls behind precision, recall, density and coverage. Default 5, as both papers use.</summary>
    public int NearestNeighbors { get; set; } = 5;

    /// <summary>Random directions averaged by the sliced Wasserstein distance. Default 128.</summary>
    public int Projections { get; set; } = 128;

    /// <summary>
    /// Centres of a known mixture (ring, grid), each of the feature column's width; when set, the mode metrics
    /// (<see cref="GanMetrics.Modes"/>) are computed with <see cref="ModeStandardDeviation"/>.
    /// </summary>
    public IReadOnlyList<float[]>? Modes { get; set; }

    /// <summary>
    /// A classifier of the real images (<see cref="GanCatalog.TrainImageClassifier"/>); when set, the image metrics
    /// (<see cref="GanMetrics.Images"/>) are computed in its feature space. The evaluation does not dispose it.
    /// </summary>
    public GanImageClassifier? ImageClassifier { get; set; }

    /// <summary>The standard deviation of each mixture component; a sample within 3 of them of its nearest mode is high quality.</summary>
    public double ModeStandardDeviation { get; set; }
}
