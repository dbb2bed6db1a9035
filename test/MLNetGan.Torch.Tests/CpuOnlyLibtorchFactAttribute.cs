namespace MLNetGan.Torch.Tests;

/// <summary>A test of behaviour without CUDA: reported as skipped (not silently passed) where libtorch sees a GPU.</summary>
public sealed class CpuOnlyLibtorchFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when CUDA is available.</summary>
    public CpuOnlyLibtorchFactAttribute()
    {
        if (MLNetGan.Torch.torch.cuda.is_available()) Skip = "libtorch sees a CUDA device; this test checks the CPU-only behaviour.";
    }
}
