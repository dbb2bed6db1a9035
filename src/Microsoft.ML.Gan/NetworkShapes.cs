using MLNetGan.Torch;
using MLNetGan.Torch.Modules;

namespace Microsoft.ML.Gan;

/// <summary>
/// Checks that networks fit the data and each other with a two-row probe, before the first training step
/// and when a model is loaded, with errors that name the network. The probe runs in evaluation mode
/// (BatchNorm uses and leaves its running statistics, dropout draws nothing), so it changes neither the
/// weights' future nor any random stream; each network's mode is restored afterwards.
/// </summary>
internal static class NetworkShapes
{
    public static void Check(Sequential generator, Sequential discriminator, int latentDimension, int features, int packing, Device device)
    {
        CheckGenerator(generator, latentDimension, features, device);
        CheckDiscriminator(discriminator, features, packing, device);
    }

    /// <summary>The generator turns latent vectors of <paramref name="latentDimension"/> values into rows of <paramref name="features"/> values.</summary>
    public static void CheckGenerator(Sequential generator, int latentDimension, int features, Device device)
    {
        using var output = Probe(generator, new long[] { 2, latentDimension }, device, "Generator",
                                 $"a batch of latent vectors of {latentDimension} values (option LatentDimension)");
        if (output.size(0) != 2 || output.numel() / 2 != features)
        {
            throw new ArgumentException($"Option Generator: the generator turns 2 latent vectors into shape [{string.Join(", ", output.shape)}], " +
                                        $"but the feature column has {features} values per row; its last layer must produce {features}.", "options");
        }
    }

    /// <summary>The discriminator turns rows of <paramref name="features"/> values (<paramref name="packing"/> of them concatenated) into one score each.</summary>
    public static void CheckDiscriminator(Sequential discriminator, int features, int packing, Device device)
    {
        var expected = packing == 1 ? $"rows of {features} feature values"
            : $"packed rows of {packing} x {features} = {(long)packing * features} values (option Packing = {packing})";
        using var scores = Probe(discriminator, new long[] { 2, (long)packing * features }, device, "Discriminator", expected);
        if (scores.size(0) != 2 || scores.numel() != 2)
        {
            throw new ArgumentException($"Option Discriminator: the discriminator turns 2 rows into shape [{string.Join(", ", scores.shape)}]; " +
                                        "it must output one score per row (its last layer needs 1 output).", "options");
        }
    }

    /// <summary>The network named by option <paramref name="option"/> turns rows of <paramref name="inputs"/> values into rows of <paramref name="outputs"/>.</summary>
    public static void CheckWidths(Sequential network, string option, int inputs, int outputs, Device device)
    {
        using var output = Probe(network, new long[] { 2, inputs }, device, option, $"rows of {inputs} values");
        if (output.size(0) != 2 || output.numel() / 2 != outputs)
        {
            throw new ArgumentException($"Option {option}: it turns 2 rows of {inputs} values into shape [{string.Join(", ", output.shape)}]; " +
                                        $"{outputs} values per row are needed.", "options");
        }
    }

    private static Tensor Probe(Sequential network, long[] inputShape, Device device, string option, string expected)
    {
        var wasTraining = network.training;
        network.eval();
        try
        {
            using var noGrad = torch.no_grad();
            using var input = torch.zeros(inputShape, device: device);
            return network.forward(input);
        }
        catch (Exception e) when (e is TorchException or ArgumentException)
        {
            throw new ArgumentException($"Option {option}: the {option.ToLowerInvariant()} does not accept {expected}: {e.Message}", "options", e);
        }
        finally
        {
            if (wasTraining) network.train();
        }
    }
}
