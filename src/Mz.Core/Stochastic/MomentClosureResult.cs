namespace Mz.Core.Stochastic;

/// <summary>Gaussian moment-closure estimates of the state laws and of the output given one input.</summary>
public sealed class MomentClosureResult
{
    public MomentClosureResult(double[][] stateMeans, double[][] stateCovariances, double[] outputMean, double[] outputVariance)
    {
        StateMeans = stateMeans;
        StateCovariances = stateCovariances;
        OutputMean = outputMean;
        OutputVariance = outputVariance;
    }

    /// <summary>m_n for n = 0..L.</summary>
    public double[][] StateMeans { get; }

    /// <summary>Cov(X_n), row-major N_n × N_n (zero off the diagonal in <see cref="CovarianceMode.Diagonal"/>).</summary>
    public double[][] StateCovariances { get; }

    /// <summary>The closure's E[y|x] per output (after the output activation).</summary>
    public double[] OutputMean { get; }

    /// <summary>The closure's Var[y|x] per output.</summary>
    public double[] OutputVariance { get; }
}
