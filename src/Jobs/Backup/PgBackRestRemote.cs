using StackGres.Ops.Jobs.Clusters;

namespace StackGres.Ops.Jobs.Backup;

/// <summary>
/// The primary as pgBackRest reaches it through the instance's TLS server: the server's address and the runner's
/// certificates, and what the primary itself says of its port, socket and data directory (the server's pgBackRest
/// uses them, connecting to PostgreSQL through the Unix socket on its side).
/// </summary>
public sealed record PgBackRestRemote(string Host, PgBackRestServer Server, string DataDirectory, int PostgresPort, string? SocketDirectory)
{
    /// <summary>The <c>pg1-*</c> options of the stanza section.</summary>
    public IEnumerable<(string Key, string Value)> Options()
    {
        yield return ("pg1-host", Host);
        yield return ("pg1-host-type", "tls");
        yield return ("pg1-host-port", Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        yield return ("pg1-host-ca-file", Server.CaPath);
        yield return ("pg1-host-cert-file", Server.CertificatePath);
        yield return ("pg1-host-key-file", Server.KeyPath);
        yield return ("pg1-path", DataDirectory);
        yield return ("pg1-port", PostgresPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (SocketDirectory is { } socket)
        {
            yield return ("pg1-socket-path", socket);
        }
    }

    /// <summary>The certificate files this runner must have, missing ones named; null when all are there.</summary>
    public static string? MissingCertificates(string clusterName, PgBackRestServer server)
    {
        if (server.CertificateDirectory is null)
        {
            return $"Cluster '{clusterName}' backs up through pgBackRest's TLS server but names no certificate directory " +
                   $"(Ops:Clusters:{clusterName}:Backup:Server:CertificateDirectory, or CertificateSecret for Kubernetes Jobs).";
        }

        var missing = new[] { server.CaPath, server.CertificatePath, server.KeyPath }.Where(path => !File.Exists(path)).ToArray();
        return missing.Length == 0
            ? null
            : $"Cluster '{clusterName}': the TLS certificate file(s) {string.Join(", ", missing.Select(m => $"'{m}'"))} for pgBackRest's " +
              $"TLS server are missing on this runner (it needs {PgBackRestServer.CaFile}, {PgBackRestServer.CertificateFile} and " +
              $"{PgBackRestServer.KeyFile} in {server.CertificateDirectory}).";
    }
}
