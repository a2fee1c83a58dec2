using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace StackGres.Ops.Tests.Kubernetes.StandIn;

/// <summary>
/// What a pod sees of the API server, as the real kubelet gives it: the server's HTTPS address in
/// <c>KUBERNETES_SERVICE_HOST</c>/<c>_PORT</c>, and the ServiceAccount's token, the cluster CA and the namespace in
/// <c>/var/run/secrets/kubernetes.io/serviceaccount</c>. The stand-in's HTTPS certificate is its own CA (self-signed,
/// naming 127.0.0.1, where a pod on the host's network reaches it); each ServiceAccount gets a token of its own.
/// </summary>
public sealed class StandInServiceAccounts
{
    public const string MountPath = "/var/run/secrets/kubernetes.io/serviceaccount";

    private readonly ConcurrentDictionary<string, string> tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> accountsByToken = new(StringComparer.Ordinal);

    public StandInServiceAccounts()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=stand-in kube-apiserver", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyCertSign, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("kubernetes.default.svc");
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2));
        // SslStream on Linux wants a certificate whose key came from a PKCS#12 store, not an ephemeral one.
        Certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), password: null);
        CaPem = Certificate.ExportCertificatePem();
    }

    /// <summary>The HTTPS server's certificate, which is also the CA pods trust.</summary>
    public X509Certificate2 Certificate { get; }

    public string CaPem { get; }

    /// <summary>The port of the stand-in's HTTPS listener, once it listens.</summary>
    public int HttpsPort { get; set; }

    /// <summary>The token of a ServiceAccount ("default" when the pod names none), made on first use.</summary>
    public string TokenOf(string ns, string? serviceAccount)
    {
        var account = $"system:serviceaccount:{ns}:{serviceAccount ?? "default"}";
        var token = tokens.GetOrAdd(account, _ => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)));
        accountsByToken[token] = account;
        return token;
    }

    /// <summary>The ServiceAccount a bearer token belongs to, or null.</summary>
    public string? AccountOf(string token) => accountsByToken.GetValueOrDefault(token);

    /// <summary>
    /// Writes the projected volume's files for the pod (token, ca.crt, namespace; readable by any user of the pod, as the
    /// kubelet's defaultMode 0644) and returns the directory, and the variables the kubelet adds to every container.
    /// </summary>
    public (string Directory, Dictionary<string, string> Environment) Project(string ns, string? serviceAccount, string root)
    {
        var directory = Directory.CreateDirectory(root).FullName;
        Write(Path.Combine(directory, "token"), TokenOf(ns, serviceAccount));
        Write(Path.Combine(directory, "ca.crt"), CaPem);
        Write(Path.Combine(directory, "namespace"), ns);
        return (directory, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["KUBERNETES_SERVICE_HOST"] = "127.0.0.1",
            ["KUBERNETES_SERVICE_PORT"] = HttpsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    private static void Write(string path, string text)
    {
        File.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
    }
}
