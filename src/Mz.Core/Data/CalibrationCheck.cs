using System;
using System.Collections.Generic;
using System.Globalization;

namespace Mz.Core.Data;

/// <summary>
/// What makes calibration rows usable, written once so that the build ([MzNetwork(Calibration = ...)], [MzReduce]) and
/// the mz tool accept and refuse the same files with the same words.
/// </summary>
public static class CalibrationCheck
{
    /// <summary>The fewest distinct rows the reduction accepts: with the 80/20 split, 10 rows validate and 40 fit.</summary>
    public const int MinimumReductionRows = 50;

    /// <summary>Why a network cannot be analysed or reduced at all, or null: the analysis reads one input of rows.</summary>
    public static string? NetworkProblem(int inputCount) =>
        inputCount == 1 ? null : string.Format(CultureInfo.InvariantCulture,
            "the MZ analysis and reduction need a single-input network; this one has {0} inputs", inputCount);

    /// <summary>Why <paramref name="array"/> cannot serve as calibration rows of <paramref name="width"/> values, or null.</summary>
    public static string? RowsProblem(NpyArray array, long width)
    {
        // Rows may keep the model's own shape ([rows, 1, 28, 28] for a [N, 1, 28, 28] input): row-major, the same values.
        if (array.Shape.Length < 2 || array.RowSize != width)
            return $"array '{array.Name}' has shape [{string.Join(", ", array.Shape)}] but the network needs rows of {width} values: [rows, {width}]";
        int bad = CountRows(array, (int)width, v => double.IsNaN(v) || double.IsInfinity(v), out long first);
        if (bad > 0)
            return $"{bad} of {array.Rows} rows of '{array.Name}' contain NaN or infinity (first: row {first}); remove them";
        int huge = CountRows(array, (int)width, v => Math.Abs(v) > float.MaxValue, out first);
        if (huge > 0)
            return string.Format(CultureInfo.InvariantCulture,
                "{0} of {1} rows of '{2}' hold values beyond the float32 range of the network's inputs (|x| > 3.4e38; first: row {3}); rescale them as the network expects",
                huge, array.Rows, array.Name, first);
        if (array.Rows < 2)
            return $"'{array.Name}' has {Rows(array.Rows)}; the analysis needs many more rows than the layer width ({width})";
        return null;
    }

    /// <summary>
    /// The first occurrence of every distinct row, in order. Repeated rows would put copies of fit rows into the
    /// validation split, which would then grade the fit on its own data.
    /// </summary>
    public static int[] DistinctRows(NpyArray array)
    {
        int width = (int)array.RowSize;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var kept = new List<int>();
        var text = new System.Text.StringBuilder();
        for (long row = 0; row < array.Rows; row++)
        {
            text.Clear();
            for (int j = 0; j < width; j++) text.Append(BitConverter.DoubleToInt64Bits(array.Data[row * width + j]).ToString("X16", CultureInfo.InvariantCulture));
            if (seen.Add(text.ToString())) kept.Add((int)row);
        }
        return kept.ToArray();
    }

    /// <summary>Why <paramref name="rows"/> calibration rows, <paramref name="distinct"/> of them different, cannot fit and validate a reduction, or null.</summary>
    public static string? ReductionProblem(long rows, int distinct)
    {
        if (rows < MinimumReductionRows)
            return $"{Rows(rows)} are too few; the reduction needs at least {MinimumReductionRows} so that a fifth of them can validate it";
        if (distinct < MinimumReductionRows)
            return $"the {Rows(rows)} hold only {distinct} distinct {(distinct == 1 ? "row" : "rows")}; the reduction needs at least {MinimumReductionRows} different rows to fit and validate on";
        return null;
    }

    private static string Rows(long count) => count == 1 ? "1 calibration row" : count.ToString(CultureInfo.InvariantCulture) + " calibration rows";

    /// <summary>How many rows hold a value <paramref name="wrong"/> flags, and the first of them (-1 if none).</summary>
    private static int CountRows(NpyArray array, int width, Func<double, bool> wrong, out long first)
    {
        int count = 0;
        first = -1;
        for (long row = 0; row < array.Rows; row++)
        {
            for (int j = 0; j < width; j++)
            {
                if (wrong(array.Data[row * width + j]))
                {
                    if (first < 0) first = row;
                    count++;
                    break;
                }
            }
        }
        return count;
    }
}
