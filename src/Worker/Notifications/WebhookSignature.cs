using System.Security.Cryptography;
using System.Text;

namespace StackGres.Ops.Worker.Notifications;

/// <summary>The headers of a webhook delivery, and its signature: <c>sha256=</c> and the lower-case hex HMAC-SHA256 of the raw body.</summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-StackGres-Ops-Signature";
    public const string TimestampHeader = "X-StackGres-Ops-Timestamp";
    public const string EventIdHeader = "X-StackGres-Ops-Event-Id";
    public const string EventHeader = "X-StackGres-Ops-Event";

    public static string Compute(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
