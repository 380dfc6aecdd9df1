using System;
using System.Linq;

namespace Mz.Core.Analysis;

/// <summary>
/// A deterministic fit / validation split of the calibration rows (MZ.md §5.1): a seeded shuffle, then each part
/// sorted ascending so that every reduction over samples runs in a fixed order.
/// </summary>
public sealed class CalibrationSplit
{
    public CalibrationSplit(int[] fitRows, int[] validationRows)
    {
        FitRows = fitRows;
        ValidationRows = validationRows;
    }

    public int[] FitRows { get; }
    public int[] ValidationRows { get; }
    public int TotalRows => FitRows.Length + ValidationRows.Length;

    public static CalibrationSplit Create(int rows, double validationFraction, ulong seed)
    {
        if (rows < 2) throw new ArgumentException("at least two calibration rows are needed");
        if (!(validationFraction >= 0 && validationFraction < 1)) throw new ArgumentOutOfRangeException(nameof(validationFraction));
        var order = Enumerable.Range(0, rows).ToArray();
        var random = new DeterministicRandom(seed);
        for (int i = rows - 1; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        int validation = (int)Math.Round(rows * validationFraction);
        if (rows - validation < 2) validation = rows - 2;
        var validationRows = order.Take(validation).OrderBy(i => i).ToArray();
        var fitRows = order.Skip(validation).OrderBy(i => i).ToArray();
        return new CalibrationSplit(fitRows, validationRows);
    }
}
