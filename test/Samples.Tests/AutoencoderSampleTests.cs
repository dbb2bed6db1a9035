using System.CommandLine;

namespace MLNetGan.Samples.Tests;

public sealed class AutoencoderSampleTests
{
    /// <summary>Writes 200 MNIST-format blob digits (position by label) and their labels into <paramref name="folder"/>.</summary>
    internal static void WriteDigits(string folder)
    {
        const int count = 200, size = 28;
        byte[] Header(params int[] values) => values.SelectMany(v => new[] { (byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v }).ToArray();
        var pixels = new byte[count * size * size];
        var labels = new byte[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = (byte)(i % 10);
            var (cx, cy) = (6 + labels[i] % 5 * 4, 8 + labels[i] / 5 * 10);
            for (var y = 0; y < size; y++)
                for (var x = 0; x < size; x++)
                    pixels[i * size * size + y * size + x] = (byte)((x - cx) * (x - cx) + (y - cy) * (y - cy) < 49 ? 220 : 0);
        }
        File.WriteAllBytes(Path.Combine(folder, "t10k-images-idx3-ubyte"), Header(0x803, count, size, size).Concat(pixels).ToArray());
        File.WriteAllBytes(Path.Combine(folder, "t10k-labels-idx1-ubyte"), Header(0x801, count).Concat(labels).ToArray());
    }

    private static Command Sample(string name) => AutoencoderSamples.Commands().Single(c => c.Name == name);

    [Fact]
    public void Autoencoder_and_vae_samples_write_their_pictures_and_loadable_models()
    {
        var folder = Directory.CreateTempSubdirectory("mlnetgan-ae-sample-").FullName;
        try
        {
            var data = Path.Combine(folder, "data");
            Directory.CreateDirectory(data);
            WriteDigits(data);
            var ae = Path.Combine(folder, "ae");
            Sample("autoencoder").Parse(new[] { "--data", data, "--epochs", "1", "--output", ae }).Invoke().Should().Be(0);
            foreach (var file in new[] { "reconstructions.png", "metrics.json", "model.zip" }) File.Exists(Path.Combine(ae, file)).Should().BeTrue($"{file} is written");
            new Microsoft.ML.MLContext().Model.Load(Path.Combine(ae, "model.zip"), out _).Should().BeOfType<Microsoft.ML.Gan.AutoencoderTransformer>();

            var vae = Path.Combine(folder, "vae");
            Sample("vae").Parse(new[] { "--data", data, "--epochs", "1", "--latent", "2", "--output", vae }).Invoke().Should().Be(0);
            foreach (var file in new[] { "samples.png", "latent-walk.png", "interpolation.png", "latent-map.png", "metrics.json", "model.zip" })
            {
                File.Exists(Path.Combine(vae, file)).Should().BeTrue($"{file} is written");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Mode_collapse_sample_draws_both_generators()
    {
        var output = Directory.CreateTempSubdirectory("mlnetgan-collapse-").FullName;
        try
        {
            ModeCollapseSample.Command().Parse(new[] { "--epochs", "1", "--output", output }).Invoke().Should().Be(0);
            File.Exists(Path.Combine(output, "plain.png")).Should().BeTrue();
            File.Exists(Path.Combine(output, "minibatch-discrimination.png")).Should().BeTrue();
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
