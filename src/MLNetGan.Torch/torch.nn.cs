#pragma warning disable CS8981 // lower-case names mirror torch.nn
using MLNetGan.Torch.Modules;

namespace MLNetGan.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>A fully connected layer.</summary>
        public static Linear Linear(long inFeatures, long outFeatures, bool hasBias = true) => new(inFeatures, outFeatures, hasBias);
        /// <summary>A 2-D convolution.</summary>
        public static Conv2d Conv2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, long dilation = 1, long groups = 1, bool hasBias = true) =>
            new(inChannels, outChannels, kernelSize, stride, padding, dilation, groups, hasBias);
        /// <summary>A 2-D transposed convolution.</summary>
        public static ConvTranspose2d ConvTranspose2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, long outputPadding = 0, long groups = 1, bool hasBias = true, long dilation = 1) =>
            new(inChannels, outChannels, kernelSize, stride, padding, outputPadding, groups, hasBias, dilation);
        /// <summary>Batch normalization over (N, C) or (N, C, L).</summary>
        public static BatchNorm1d BatchNorm1d(long numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true) => new(numFeatures, eps, momentum, affine);
        /// <summary>Batch normalization over (N, C, H, W).</summary>
        public static BatchNorm2d BatchNorm2d(long numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true) => new(numFeatures, eps, momentum, affine);
        /// <summary>Dropout.</summary>
        public static Dropout Dropout(double p = 0.5) => new(p);
        /// <summary>ReLU (overwriting its input when <paramref name="inplace"/>).</summary>
        public static ReLU ReLU(bool inplace = false) => new(inplace);
        /// <summary>Leaky ReLU (overwriting its input when <paramref name="inplace"/>).</summary>
        public static LeakyReLU LeakyReLU(double negativeSlope = 0.01, bool inplace = false) => new(negativeSlope, inplace);
        /// <summary>Tanh.</summary>
        public static Tanh Tanh() => new();
        /// <summary>Sigmoid.</summary>
        public static Sigmoid Sigmoid() => new();
        /// <summary>Flatten.</summary>
        public static Flatten Flatten(long startDim = 1, long endDim = -1) => new(startDim, endDim);
        /// <summary>Unflatten.</summary>
        public static Unflatten Unflatten(long dim, long[] sizes) => new(dim, sizes);
        /// <summary>Embedding table.</summary>
        public static Embedding Embedding(long numEmbeddings, long embeddingDim) => new(numEmbeddings, embeddingDim);
        /// <summary>A chain of layers.</summary>
        public static Sequential Sequential(params Module<Tensor, Tensor>[] modules) => new(modules);
    }
}
