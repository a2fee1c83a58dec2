using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using StackGres.Ops.Jobs.Clusters;

namespace StackGres.Ops.Jobs.Backup;

/// <summary>
/// Checks, before pgBackRest runs, that the instance's pgBackRest TLS server answers with the runner's certificates:
/// it connects, verifies the server's certificate against <c>ca.crt</c> and its host name, presents <c>tls.crt</c>,
/// and reads the server's greeting. pgBackRest itself retries a refused connection for two minutes and then says
/// "no database found"; this says which of the three went wrong, in seconds, before anything is written.
/// </summary>
public static class TlsServerProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>Why the server cannot be used, or null when it greeted the runner.</summary>
    public static async Task<string?> CheckAsync(string host, PgBackRestServer server, CancellationToken cancellationToken)
    {
        var where = $"pgBackRest's TLS server at {host}:{server.Port}";
        X509Certificate2 client;
        X509Certificate2Collection authorities = [];
        try
        {
            client = X509Certificate2.CreateFromPemFile(server.CertificatePath, server.KeyPath);
            authorities.ImportFromPemFile(server.CaPath);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            return $"The runner's certificates for {where} cannot be read ({server.CertificateDirectory}: " +
                   $"{PgBackRestServer.CertificateFile}, {PgBackRestServer.KeyFile}, {PgBackRestServer.CaFile}): {e.Message}";
        }

        using (client)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            string? serverCertificateProblem = null;
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(host, server.Port, timeout.Token).ConfigureAwait(false);
                await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, certificate, chain, errors) =>
                {
                    serverCertificateProblem = ServerCertificateProblem(certificate, authorities, errors);
                    return serverCertificateProblem is null;
                });
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = host,
                    ClientCertificates = [client],
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                }, timeout.Token).ConfigureAwait(false);

                // The server speaks first; a server that refuses the client's certificate closes instead (TLS 1.3 says so only now).
                var buffer = new byte[256];
                var read = await tls.ReadAsync(buffer, timeout.Token).ConfigureAwait(false);
                var greeting = Encoding.UTF8.GetString(buffer, 0, read);
                return greeting.Contains("pgBackRest", StringComparison.Ordinal)
                    ? null
                    : $"{where} closed the connection without a greeting: it refused the runner's certificate " +
                      $"({server.CertificatePath}); its tls-server-ca-file must have signed it.";
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return $"{where} did not answer within {Timeout.TotalSeconds:0} s.";
            }
            catch (SocketException e)
            {
                return $"{where} cannot be reached: {e.Message}. Is the pgbackrest server running beside the primary, on that port?";
            }
            catch (AuthenticationException e)
            {
                return serverCertificateProblem is { } problem
                    ? $"{where} presented a certificate the runner does not trust: {problem}"
                    : $"The TLS handshake with {where} failed: {e.InnerException?.Message ?? e.Message} (the server may have refused the " +
                      $"runner's certificate {server.CertificatePath}: its tls-server-ca-file must have signed it).";
            }
            catch (IOException e)
            {
                return $"{where} refused the runner's certificate ({server.CertificatePath}): {e.InnerException?.Message ?? e.Message}. " +
                       "Its tls-server-ca-file must have signed it.";
            }
        }
    }

    /// <summary>The server's certificate checked against the CA file alone (not the machine's trust store) and the host name.</summary>
    private static string? ServerCertificateProblem(X509Certificate? certificate, X509Certificate2Collection authorities, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return "it sent none.";
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return $"it does not name the host ({certificate.Subject}); set Backup:Server:Host to a name the certificate holds.";
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var presented = new X509Certificate2(certificate);
        return chain.Build(presented)
            ? null
            : $"{certificate.Subject} is not signed by {PgBackRestServer.CaFile} " +
              $"({string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()))}).";
    }
}
