using System.CommandLine.Parsing;
using System.Globalization;
using System.Linq;

namespace Mz.Cli;

/// <summary>
/// Parsers for numeric options (set as CustomParser): the invariant culture, a decimal point and no thousands
/// separators. System.CommandLine's own parsing reads "--tolerance 0,05" as 5, the comma taken for a group separator,
/// which someone used to a decimal comma never means; and its refusal names the CLR type, not what to write.
/// </summary>
public static class NumberOptions
{
    /// <summary>A real number such as 0.05 or 1e-2; anything else is a parse error naming the option and the text.</summary>
    public static double Real(ArgumentResult result)
    {
        string text = Text(result);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) return value;
        result.AddError($"{OptionName(result)}: '{text}' is not a number (use a decimal point, e.g. 0.05)");
        return 0;
    }

    /// <summary>A whole number in the range of int, digits only.</summary>
    public static int Int(ArgumentResult result) => (int)Whole(result, int.MinValue, int.MaxValue);

    /// <summary>A whole number in the range of long, digits only.</summary>
    public static long Long(ArgumentResult result) => Whole(result, long.MinValue, long.MaxValue);

    private static long Whole(ArgumentResult result, long min, long max)
    {
        string text = Text(result);
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
        result.AddError($"{OptionName(result)}: '{text}' is not a whole number (digits only, no separators)");
        return 0;
    }

    /// <summary>The option's value as typed; arity is checked by the parser before this runs.</summary>
    private static string Text(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens.Last().Value : "";

    private static string OptionName(ArgumentResult result) =>
        result.Parent is OptionResult option ? option.Option.Name : result.Argument.Name;
}
