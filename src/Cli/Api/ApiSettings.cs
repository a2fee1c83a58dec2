namespace StackGres.Ops.Cli.Api;

/// <summary>Where the worker is and the token to show it. <see cref="ToString"/> never includes the token.</summary>
public sealed class ApiSettings(Uri url, string token)
{
    public Uri Url { get; } = url;

    public string Token { get; } = token;

    public override string ToString() => Url.ToString();
}
