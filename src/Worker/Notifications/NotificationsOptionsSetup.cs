using Microsoft.Extensions.Options;

namespace StackGres.Ops.Worker.Notifications;

/// <summary>Fills each sink's <c>Url</c> and <c>Secret</c> from their files when they are not set directly.</summary>
public sealed class NotificationsOptionsSetup : IPostConfigureOptions<NotificationsOptions>
{
    public void PostConfigure(string? name, NotificationsOptions options)
    {
        foreach (var sink in options.Sinks.Values)
        {
            sink.Url = FromFile(sink.Url, sink.UrlFile);
            sink.Secret = FromFile(sink.Secret, sink.SecretFile);
        }
    }

    private static string? FromFile(string? value, string? file) =>
        string.IsNullOrEmpty(value) && file is not null && File.Exists(file) ? File.ReadAllText(file).Trim() : value;
}
