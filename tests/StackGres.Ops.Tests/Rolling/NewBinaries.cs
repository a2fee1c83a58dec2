using StackGres.Ops.Jobs.Clusters.Local;

namespace StackGres.Ops.Tests.Rolling;

/// <summary>
/// A second installation of the same PostgreSQL build at another path (copies of the server programs; the
/// libraries and shared files linked), laid out the way PostgreSQL finds them relative to its binary — a stand-in
/// for the next minor release, so that "restarted onto the new binaries" can be checked through /proc/PID/exe.
/// </summary>
public sealed class NewBinaries : IDisposable
{
    private readonly string root;

    private NewBinaries(string root, string binDirectory)
    {
        this.root = root;
        BinDirectory = binDirectory;
    }

    public string BinDirectory { get; }

    public static NewBinaries Create()
    {
        var installed = PostgresBinaries.Locate().BinDirectory;               // /usr/lib/postgresql/15/bin
        var version = Path.GetFileName(Path.GetDirectoryName(installed))!;    // 15
        var root = Path.Combine(Path.GetTempPath(), "stackgres-ops-newbin-" + Guid.NewGuid().ToString("N"));
        var bin = Path.Combine(root, "lib", "postgresql", version, "bin");
        Directory.CreateDirectory(bin);
        foreach (var program in new[] { "postgres", "pg_ctl", "pg_controldata", "pg_rewind", "initdb" })
        {
            File.Copy(Path.Combine(installed, program), Path.Combine(bin, program));
        }

        File.CreateSymbolicLink(Path.Combine(root, "lib", "postgresql", version, "lib"), Path.Combine(Path.GetDirectoryName(installed)!, "lib"));
        var share = Path.Combine(root, "share", "postgresql");
        Directory.CreateDirectory(share);
        File.CreateSymbolicLink(Path.Combine(share, version), Path.Combine("/usr/share/postgresql", version));
        // The server runs as the postgres OS user: every directory on the way must be open to it.
        if (!OperatingSystem.IsWindows())
        {
            foreach (var directory in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).Append(root))
            {
                File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
            }
        }

        return new NewBinaries(root, bin);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
