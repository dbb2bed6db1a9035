namespace Microsoft.ML.Gan;

/// <summary>What the trainer does when a loss or weight becomes NaN or infinite.</summary>
public enum DivergenceAction
{
    /// <summary>Stop with a <see cref="GanTrainingDivergedException"/> (the default).</summary>
    Stop,
    /// <summary>
    /// Reload the latest checkpoint of <see cref="GanTrainerOptions.CheckpointDirectory"/>, multiply both learning
    /// rates by <see cref="GanTrainerOptions.DivergenceLearningRateFactor"/> and continue; stop after
    /// <see cref="GanTrainerOptions.MaxRollbacks"/> roll-backs, or when there is no checkpoint yet.
    /// </summary>
    RollBack,
}

/// <summary>Training produced a NaN or infinite loss (checked after every step), so the networks can no longer learn.</summary>
public sealed class GanTrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GanTrainingDivergedException(string message, int epoch, long step, GanEpochMetrics? lastGoodMetrics)
        : base(message)
    {
        Epoch = epoch;
        Step = step;
        LastGoodMetrics = lastGoodMetrics;
    }

    /// <summary>The epoch in which the divergence was detected.</summary>
    public int Epoch { get; }
    /// <summary>Generator steps completed when it was detected.</summary>
    public long Step { get; }
    /// <summary>The metrics of the last complete epoch whose losses were finite, if any.</summary>
    public GanEpochMetrics? LastGoodMetrics { get; }
}
