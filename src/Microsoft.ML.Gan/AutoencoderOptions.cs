using System.Text.Json.Serialization;

namespace Microsoft.ML.Gan;

/// <summary>How an autoencoder or VAE scores a reconstruction against its input.</summary>
public enum ReconstructionLoss
{
    /// <summary>Mean squared error per value, as seed 002's autoencoder trains (<c>nn.MSELoss</c>).</summary>
    MeanSquaredError,
    /// <summary>
    /// Binary cross-entropy per value between the input (in [0, 1]) and the reconstruction (a Sigmoid output), the
    /// usual VAE reconstruction term for images: sharper digits than MSE at the same KL weight.
    /// </summary>
    BinaryCrossEntropy,
}

/// <summary>Which default networks an autoencoder or VAE builds.</summary>
public enum AutoencoderArchitecture
{
    /// <summary>Convolutional for 28x28 image columns, fully connected otherwise.</summary>
    Auto,
    /// <summary>Fully connected encoder and decoder (<see cref="AutoencoderOptions.HiddenLayers"/>), for rows of any width.</summary>
    Mlp,
    /// <summary>The seeds' convolutional networks, for 28x28 images of any channel count.</summary>
    Convolutional,
}

/// <summary>
/// Options of <see cref="AutoencoderTrainer"/>. The defaults are seed 002's autoencoder: its convolutional networks
/// (64-value code) on 28x28 images, MSE, Adam(1e-3, weight decay 1e-5), batch 64, 5 epochs.
/// </summary>
public class AutoencoderOptions : NetworkTrainerOptions
{
    /// <summary>Creates the options with seed 002's settings.</summary>
    public AutoencoderOptions()
    {
        Epochs = 5;
        BatchSize = 64;
    }

    /// <summary>Size of the code (embedding) between encoder and decoder. Seed 002 uses 64.</summary>
    public int EmbeddingDimension { get; set; } = 64;
    /// <summary>How reconstructions are scored. Default <see cref="ReconstructionLoss.MeanSquaredError"/>.</summary>
    public ReconstructionLoss Loss { get; set; } = ReconstructionLoss.MeanSquaredError;
    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; set; } = 1e-3;
    /// <summary>Adam L2 weight decay.</summary>
    public double WeightDecay { get; set; } = 1e-5;
    /// <summary>Which default networks to build (ignored when <see cref="Encoder"/> and <see cref="Decoder"/> are set).</summary>
    public AutoencoderArchitecture Architecture { get; set; } = AutoencoderArchitecture.Auto;
    /// <summary>Hidden widths of the fully connected encoder (the decoder mirrors them).</summary>
    public int[] HiddenLayers { get; set; } = { 256 };
    /// <summary>Custom encoder (features -> <see cref="EmbeddingDimension"/> values; a VAE's: twice that, means then log-variances).</summary>
    public NetworkSpec? Encoder { get; set; }
    /// <summary>Custom decoder (<see cref="EmbeddingDimension"/> values -> features, ending in a Sigmoid).</summary>
    public NetworkSpec? Decoder { get; set; }
    /// <summary>Column the transform adds with each row's code.</summary>
    public string EmbeddingColumnName { get; set; } = "Embedding";
    /// <summary>Column the autoencoder's transform adds with each row's reconstruction (the feature column's type).</summary>
    public string ReconstructionColumnName { get; set; } = "Reconstruction";
    /// <summary>Receives a report after every epoch.</summary>
    [JsonIgnore] public IProgress<AutoencoderProgress>? Progress { get; set; }
    /// <summary>Stops training between steps (the model trained so far is returned).</summary>
    [JsonIgnore] public CancellationToken CancellationToken { get; set; }
}

/// <summary>
/// Options of <see cref="VaeTrainer"/>, a variational autoencoder (Kingma and Welling 2014) as seed 004 builds it:
/// the encoder gives a mean and a log-variance per latent value, a sample is drawn with the reparameterization trick,
/// and the loss is the reconstruction term plus <see cref="KlWeight"/> (seed 004's alpha) times the KL divergence
/// from N(0, I). The defaults are seed 004's convolutional VAE (16 latent values, 128 hidden units) with binary
/// cross-entropy, Adam(1e-3), batch 64, and 20 epochs: on the 10,000 MNIST test digits, 20 epochs cover 10 of 10
/// digits on every seed measured, 10 epochs 9 or 10 (docs/vae.md).
/// </summary>
public class VaeOptions : AutoencoderOptions
{
    /// <summary>Creates the options with seed 004's settings.</summary>
    public VaeOptions()
    {
        Epochs = 20;
        EmbeddingDimension = 16;
        Loss = ReconstructionLoss.BinaryCrossEntropy;
        WeightDecay = 0;
        HiddenLayers = new[] { 512, 256 };
    }

    /// <summary>Weight of the KL term (seed 004's alpha); 1 is the VAE's evidence lower bound, larger values give a smoother latent space and blurrier images.</summary>
    public double KlWeight { get; set; } = 1;
    /// <summary>The column the model's transform adds (generated rows from <see cref="GanGenerator.Generate"/> keep the feature column's name).</summary>
    public string GeneratedColumnName { get; set; } = "Generated";
    /// <summary>Column of the encoder's means.</summary>
    public string MeanColumnName { get; set; } = "Mean";
    /// <summary>Column of the encoder's log-variances.</summary>
    public string LogVarianceColumnName { get; set; } = "LogVariance";
}

/// <summary>What an autoencoder or VAE trainer reports after every epoch.</summary>
public sealed record AutoencoderProgress
{
    /// <summary>Current epoch, from 1.</summary>
    public int Epoch { get; init; }
    /// <summary>Planned epochs.</summary>
    public int Epochs { get; init; }
    /// <summary>Mean reconstruction loss per value over the epoch.</summary>
    public double ReconstructionLoss { get; init; }
    /// <summary>Mean KL divergence per row (VAE; 0 for an autoencoder).</summary>
    public double KlDivergence { get; init; }
    /// <summary>Rows per second.</summary>
    public double SamplesPerSecond { get; init; }
}

/// <summary>One epoch of an autoencoder or VAE run.</summary>
public sealed record AutoencoderEpochMetrics
{
    /// <summary>Epoch, from 1.</summary>
    public int Epoch { get; init; }
    /// <summary>Mean reconstruction loss per value.</summary>
    public double ReconstructionLoss { get; init; }
    /// <summary>Mean KL divergence per row (VAE; 0 for an autoencoder).</summary>
    public double KlDivergence { get; init; }
    /// <summary>Wall-clock seconds.</summary>
    public double Seconds { get; init; }
}
