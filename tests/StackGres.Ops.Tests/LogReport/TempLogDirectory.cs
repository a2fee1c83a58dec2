using System.IO.Compression;
using System.Text;
using StackGres.Ops.Jobs.Operations.LogReport;
using StackGres.Ops.Jobs.Operations.LogReport.Report;
using Xunit;

namespace StackGres.Ops.Tests.LogReport;

/// <summary>A temporary folder of hand-written log files, removed on dispose.</summary>
internal sealed class TempLogDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("stackgres-ops-logs-").FullName;

    /// <summary>Lets every user list the folder (files are written 0644): a container's non-root runner reads it.</summary>
    public void ShareWithEveryone()
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path, (UnixFileMode)0b111_101_101);
        }
    }

    public string Write(string name, string content)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    public string WriteBytes(string name, byte[] content)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public string WriteGzip(string name, string content)
    {
        var path = System.IO.Path.Combine(Path, name);
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(Encoding.UTF8.GetBytes(content));
        return path;
    }

    public static LogReportDocument Analyze(LogReportSettings settings, params string[] paths) =>
        LogAnalyzer.Analyze(paths, settings, null, TestContext.Current.CancellationToken);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
