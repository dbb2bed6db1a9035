#pragma warning disable CS8981 // lower-case names mirror torch.optim
using MLNetGan.Torch.Optimizers;

namespace MLNetGan.Torch;

public static partial class torch
{
    /// <summary>Optimizers, as <c>torch.optim</c>.</summary>
    public static class optim
    {
        /// <summary>Adam with PyTorch's defaults.</summary>
        public static Adam Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0, bool amsgrad = false) =>
            new(parameters, lr, beta1, beta2, eps, weightDecay, amsgrad);
        /// <summary>RMSprop with PyTorch's defaults.</summary>
        public static RMSprop RMSprop(IEnumerable<Tensor> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false) =>
            new(parameters, lr, alpha, eps, weightDecay, momentum, centered);
        /// <summary>Stochastic gradient descent.</summary>
        public static SGD SGD(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false) =>
            new(parameters, lr, momentum, dampening, weightDecay, nesterov);
    }
}
