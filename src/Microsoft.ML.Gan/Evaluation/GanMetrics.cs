namespace Microsoft.ML.Gan;

/// <summary>
/// How close generated rows are to real ones. Distances are Euclidean in the feature column's own units.
/// Lower is better for <see cref="MaximumMeanDiscrepancy"/>, <see cref="EnergyDistance"/> and
/// <see cref="SlicedWasserstein"/>; higher is better for the rest (<see cref="Density"/> is about 1 for a
/// generator that matches the data and can exceed 1). docs/quality.md defines each one.
/// </summary>
public sealed record GanMetrics
{
    /// <summary>Real rows compared.</summary>
    public required int RealRows { get; init; }
    /// <summary>Generated rows compared.</summary>
    public required int GeneratedRows { get; init; }
    /// <summary>Squared maximum mean discrepancy, unbiased estimate, Gaussian kernel with the median pairwise distance as bandwidth (can be slightly negative).</summary>
    public required double MaximumMeanDiscrepancy { get; init; }
    /// <summary>The kernel bandwidth used (the median distance between rows of the pooled sample).</summary>
    public required double KernelBandwidth { get; init; }
    /// <summary>Energy distance: 2 E|X - Y| - E|X - X'| - E|Y - Y'| (means over all pairs).</summary>
    public required double EnergyDistance { get; init; }
    /// <summary>Sliced Wasserstein-1 distance: the mean over random unit directions of the 1-D Wasserstein distance of the projections.</summary>
    public required double SlicedWasserstein { get; init; }
    /// <summary>Share of generated rows inside the k-NN ball of some real row (Kynkäänniemi et al. 2019): fidelity.</summary>
    public required double Precision { get; init; }
    /// <summary>Share of real rows inside the k-NN ball of some generated row: diversity.</summary>
    public required double Recall { get; init; }
    /// <summary>Mean number of real k-NN balls holding a generated row, divided by k (Naeem et al. 2020).</summary>
    public required double Density { get; init; }
    /// <summary>Share of real rows whose k-NN ball holds at least one generated row (Naeem et al. 2020).</summary>
    public required double Coverage { get; init; }
    /// <summary>Mode metrics when <see cref="GanEvaluationOptions.Modes"/> was given; otherwise null.</summary>
    public ModeMetrics? Modes { get; init; }
    /// <summary>Image metrics when <see cref="GanEvaluationOptions.ImageClassifier"/> was given; otherwise null.</summary>
    public ImageMetrics? Images { get; init; }
}

/// <summary>
/// Image metrics in the feature space of a <see cref="GanImageClassifier"/> trained on the user's labelled images.
/// Comparable between models scored with the same classifier, not with Inception-based figures from papers.
/// </summary>
public sealed record ImageMetrics
{
    /// <summary>Fréchet distance between Gaussians fitted to the classifier's 128 penultimate features of real and generated images ("FID-MNIST" on digits). Lower is better.</summary>
    public required double FrechetDistance { get; init; }
    /// <summary>exp(E KL(p(y|x) || p(y))) over generated images, as the Inception Score: high when each image is clearly one class and all classes appear; at most the number of classes.</summary>
    public required double ClassifierScore { get; init; }
    /// <summary>The share of generated images the classifier assigns to each class (by <see cref="GanImageClassifier.Classes"/>).</summary>
    public required IReadOnlyList<double> ClassHistogram { get; init; }
    /// <summary>The same for the real images.</summary>
    public required IReadOnlyList<double> RealClassHistogram { get; init; }
    /// <summary>Classes whose generated share is at least half their real share.</summary>
    public required int ClassesCovered { get; init; }
    /// <summary>Classes the classifier knows.</summary>
    public required int Classes { get; init; }
    /// <summary>KL(generated class histogram || real class histogram): 0 when classes appear as often as in the data.</summary>
    public required double ClassKl { get; init; }
    /// <summary>
    /// For a conditional generator: the share of images generated for a label (100 per label the classifier also
    /// knows) that the classifier assigns to that label; null for an unconditional one.
    /// </summary>
    public double? LabelAccuracy { get; init; }
}

/// <summary>
/// Mode metrics of a known mixture with the VEEGAN/PacGAN protocol: a generated row is high quality when it lies
/// within 3 standard deviations of its nearest mode; a mode is covered when it is the nearest mode of at least one
/// high-quality row.
/// </summary>
public sealed record ModeMetrics
{
    /// <summary>Modes covered.</summary>
    public required int Covered { get; init; }
    /// <summary>Modes in the mixture.</summary>
    public required int Total { get; init; }
    /// <summary>Share of generated rows that are high quality.</summary>
    public required double HighQuality { get; init; }
    /// <summary>KL(generated mode histogram || uniform) over the high-quality rows: 0 when every mode gets its share; infinite when there are none.</summary>
    public required double ReverseKl { get; init; }
    /// <summary>High-quality rows per mode, in the order of <see cref="GanEvaluationOptions.Modes"/>.</summary>
    public required IReadOnlyList<int> Counts { get; init; }
}
