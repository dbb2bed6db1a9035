using MLNetGan.Torch;
using MLNetGan.Torch.Modules;

namespace Microsoft.ML.Gan;

/// <summary>Re-initializes a built network's weights by the kind of each layer in its <see cref="NetworkSpec"/>.</summary>
internal static class WeightInitializer
{
    public static void Apply(Sequential network, NetworkSpec spec, WeightInitialization initialization, Generator generator)
    {
        if (initialization == WeightInitialization.PyTorchDefault) return;
        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in network.named_parameters())
        {
            // State-dict names are "<layer index>.<parameter>", as Sequential numbers its children.
            var dot = name.IndexOf('.');
            var kind = spec.Layers[int.Parse(name[..dot], System.Globalization.CultureInfo.InvariantCulture)].Kind;
            var what = name[(dot + 1)..];
            switch (kind, what)
            {
                case ("Conv2d" or "ConvTranspose2d", "weight" or "weight_orig"): // weight_orig: under spectral normalization
                    parameter.normal_(0, 0.02, generator);
                    break;
                case ("BatchNorm1d" or "BatchNorm2d", "weight") or ("Residual", "bn.weight"):
                    parameter.normal_(1, 0.02, generator);
                    break;
                case ("BatchNorm1d" or "BatchNorm2d", "bias") or ("Residual", "bn.bias"):
                    parameter.zero_();
                    break;
            }
        }
    }
}
