namespace Microsoft.ML.Gan;

/// <summary>Settings of <see cref="GanCatalog.TrainImageClassifier"/>.</summary>
public sealed class GanImageClassifierOptions
{
    /// <summary>The image column: a known-size Single vector with a (channels, height, width) shape, height and width divisible by 4.</summary>
    public string FeatureColumnName { get; set; } = "Features";
    /// <summary>The class column: a key column (as <c>LoadFromMnistIdx</c> gives, or <c>MapValueToKey</c> makes).</summary>
    public string LabelColumnName { get; set; } = "Label";
    /// <summary>Passes over the training images. Default 3 (about 97 % held-out accuracy on the 10,000 MNIST test digits).</summary>
    public int Epochs { get; set; } = 3;
    /// <summary>Images per step. Default 64.</summary>
    public int BatchSize { get; set; } = 64;
    /// <summary>Adam's learning rate. Default 1e-3.</summary>
    public double LearningRate { get; set; } = 1e-3;
    /// <summary>Seeds initialization, shuffling and the held-out split. Default 1.</summary>
    public int Seed { get; set; } = 1;
    /// <summary>
    /// Where trained classifiers are kept, keyed by a hash of the images, labels and these settings, so the same
    /// data trains once; null: never cached. Default: <c>$XDG_CACHE_HOME/mlnetgan</c> (else <c>~/.cache/mlnetgan</c>).
    /// </summary>
    public string? CacheDirectory { get; set; } = DefaultCacheDirectory();

    private static string DefaultCacheDirectory()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "mlnetgan");
    }
}
