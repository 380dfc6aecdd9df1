using System.IO;

namespace Mz.Cli;

/// <summary>
/// Checks the file paths given on the command line before they are read: File.ReadAllBytes answers an empty path with
/// an ArgumentException and a folder with "Access to the path is denied", neither of which says what was expected.
/// </summary>
public static class InputPaths
{
    public const string OnnxFile = "an .onnx file";
    public const string ArrayFile = "an .npz or .npy file";

    /// <summary>Why <paramref name="path"/>, given as <paramref name="what"/> ("the model path", "--calibration"), cannot name <paramref name="expected"/>, or null.</summary>
    public static string? Problem(string path, string what, string expected)
    {
        if (string.IsNullOrWhiteSpace(path)) return $"{what} is empty; expected {expected}";
        if (Directory.Exists(path)) return $"'{path}' is a directory; expected {expected}";
        return null;
    }

    /// <summary>
    /// Why <paramref name="folder"/>, given to --plots, cannot receive the plots, or null: checked before any work, so a
    /// long analysis does not end in a stack trace. The folder may not exist yet (it is created).
    /// </summary>
    public static string? OutputFolderProblem(string? folder)
    {
        if (folder == null) return null;
        if (string.IsNullOrWhiteSpace(folder)) return "--plots is empty; expected a folder for the PNG files";
        if (File.Exists(folder)) return $"--plots '{folder}' is a file; expected a folder for the PNG files";
        return null;
    }

    /// <summary>Why an array reference ("file.npz:key" or "rows.npy") given as <paramref name="option"/> names no readable file, or null.</summary>
    public static string? ArrayProblem(string reference, string file, string option) =>
        string.IsNullOrWhiteSpace(reference) || !string.IsNullOrWhiteSpace(file)
            ? Problem(file, option, ArrayFile)
            : $"{option} '{reference}' names no file; expected {ArrayFile} (file.npz:key)";
}
