using Microsoft.Extensions.Options;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary>A worker with a bad configuration does not start, and says which key is wrong.</summary>
public sealed class OptionsValidationTests(PostgresFixture fixture)
{
    /// <summary>A variable no test ever sets.</summary>
    private const string UnsetVariable = "OPS_TEST_PW_NEVER_SET_5B0E41";

    public static TheoryData<string, string?, string> InvalidSettings => new()
    {
        { "Ops:Clusters:demo:Port", "0", "Ops:Clusters:demo:Port" },
        { "Ops:Api:Token", null, "Ops:Api:Token" },
        { "ConnectionStrings:Ops", null, "ConnectionStrings:Ops" },
        { "Ops:Clusters:demo:PasswordEnv", UnsetVariable, "Ops:Clusters:demo:PasswordEnv" },
        { "Ops:Notifications:Staleness:Bounds:bakup", "1.00:00:00", "Ops:Notifications:Staleness:Bounds:bakup" },
        { "Ops:Notifications:PollInterval", "00:00:00", "Ops:Notifications:PollInterval" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public async Task Start_ThrowsNamingTheKey_WhenSettingIsInvalid(string key, string? value, string expected)
    {
        AssertEnvironmentIsClean();
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        worker.WithSetting(key, value);

        var failures = StartupFailures(Record.Exception(() => worker.Services));

        Assert.Contains(failures, failure => failure.Contains(expected, StringComparison.Ordinal));
        AssertNoSecrets(worker, failures);
    }

    [Fact]
    public async Task Start_ReportsEveryProblem_WhenSeveralSettingsAreInvalid()
    {
        AssertEnvironmentIsClean();
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        foreach (var (key, value, _) in InvalidSettings.Select(row => row.Data))
        {
            worker.WithSetting(key, value);
        }

        var failures = StartupFailures(Record.Exception(() => worker.Services));

        foreach (var expected in InvalidSettings.Select(row => row.Data.Item3))
        {
            Assert.Contains(failures, failure => failure.Contains(expected, StringComparison.Ordinal));
        }

        AssertNoSecrets(worker, failures);
    }

    [Fact]
    public async Task Start_Succeeds_WhenSettingsAreValid()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);

        using var client = worker.CreateAuthorizedClient();

        Assert.Equal("[]", await client.GetStringAsync("/api/v1/runs", ct));
    }

    [Fact]
    public async Task Start_RefusesBadNotificationSinks_NamingTheKeysButNeverTheUrlOrTheSecret()
    {
        AssertEnvironmentIsClean();
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        const string UrlToken = "T0AAAAAAA/B0BBBBBBB/SlackTokenNeverShown";
        const string ShortSecret = "tooShortSecret1";
        worker.WithSetting("Ops:Notifications:Sinks:ops:Url", "ftp://hooks.example.com/services/" + UrlToken)
            .WithSetting("Ops:Notifications:Sinks:ops:Secret", ShortSecret)
            .WithSetting("Ops:Notifications:Sinks:ops:Events:0", "run.exploded")
            .WithSetting("Ops:Notifications:Sinks:chat:Type", "Slack")
            .WithSetting("Ops:Notifications:Sinks:chat:Url", "https://hooks.example.com/services/" + UrlToken)
            .WithSetting("Ops:Notifications:Sinks:chat:Secret", ShortSecret + "and more")
            .WithSetting("Ops:Notifications:Sinks:Bad_Name:Url", "https://hooks.example.com/x")
            .WithSetting("Ops:Notifications:Staleness:Rules:0:Bounds:backup", "-01:00:00");

        var failures = StartupFailures(Record.Exception(() => worker.Services));

        foreach (var key in new[]
                 {
                     "Ops:Notifications:Sinks:ops:Url must be an absolute http:// or https:// URL",
                     "Ops:Notifications:Sinks:ops:Secret (or SecretFile) is required for a Webhook sink, 16 characters or more",
                     "Ops:Notifications:Sinks:ops:Events:0 is 'run.exploded'",
                     "Ops:Notifications:Sinks:chat:Secret is for Webhook sinks",
                     "Ops:Notifications:Sinks:Bad_Name: a sink's name must be a DNS label",
                     "Ops:Notifications:Sinks:Bad_Name:Secret (or SecretFile) is required",
                     "Ops:Notifications:Staleness:Rules:0:ClusterSelector must name at least one label",
                     "Ops:Notifications:Staleness:Rules:0:Bounds:backup must not be negative",
                 })
        {
            Assert.Contains(failures, failure => failure.Contains(key, StringComparison.Ordinal));
        }

        Assert.All(failures, failure =>
        {
            Assert.DoesNotContain(UrlToken, failure, StringComparison.Ordinal);
            Assert.DoesNotContain(ShortSecret, failure, StringComparison.Ordinal);
        });
        Assert.All(worker.Logs.Entries, entry =>
        {
            Assert.DoesNotContain(UrlToken, entry.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(ShortSecret, entry.ToString(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Start_RefusesABadScratchVolume_NamingEachKey()
    {
        AssertEnvironmentIsClean();
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"sgops-no-kubeconfig-{Guid.NewGuid():N}");
        worker.WithSetting("Ops:Executor:Kind", "Kubernetes")
            .WithSetting("Ops:Executor:Kubernetes:Image", "runner:1")
            .WithSetting("Ops:Executor:Kubernetes:Kubeconfig", kubeconfig)
            .WithSetting("Ops:Executor:Kubernetes:ScratchVolume:Size", "lots")
            .WithSetting("Ops:Executor:Kubernetes:ScratchVolume:StorageClass", "Fast_SSD")
            .WithSetting("Ops:Executor:Kubernetes:Volumes:scratch:HostPath", "/srv/elsewhere")
            .WithSetting("Ops:Executor:Kubernetes:Volumes:scratch:MountPath", "/srv/elsewhere");

        var failures = StartupFailures(Record.Exception(() => worker.Services));

        foreach (var expected in new[]
                 {
                     "Ops:Executor:Kubernetes:ScratchVolume:Size must be a positive Kubernetes quantity of bytes, e.g. 50Gi (got 'lots').",
                     "Ops:Executor:Kubernetes:ScratchVolume:StorageClass 'Fast_SSD' is not a storage class name",
                     "Ops:Executor:Kubernetes:Volumes:scratch: the name 'scratch' and the path /var/lib/stackgres-ops/scratch belong to restore-test's scratch volume",
                     $"Ops:Executor:Kubernetes:Kubeconfig names '{kubeconfig}', which does not exist.",
                 })
        {
            Assert.Contains(failures, failure => failure.Contains(expected, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("0", null, "ScratchVolume:Size must be a positive Kubernetes quantity")]
    [InlineData(null, "fast-ssd", "ScratchVolume:StorageClass needs Ops:Executor:Kubernetes:ScratchVolume:Size")]
    public async Task Start_RefusesAScratchVolumeWithoutAUsableSize(string? size, string? storageClass, string expected)
    {
        AssertEnvironmentIsClean();
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        worker.WithSetting("Ops:Executor:Kind", "Kubernetes")
            .WithSetting("Ops:Executor:Kubernetes:Image", "runner:1")
            .WithSetting("Ops:Executor:Kubernetes:ScratchVolume:Size", size)
            .WithSetting("Ops:Executor:Kubernetes:ScratchVolume:StorageClass", storageClass);

        var failures = StartupFailures(Record.Exception(() => worker.Services));

        Assert.Contains(failures, failure => failure.Contains(expected, StringComparison.Ordinal));
    }

    /// <summary>Every configuration failure in the exception, however the host wrapped it.</summary>
    private static List<string> StartupFailures(Exception? exception)
    {
        Assert.NotNull(exception);
        var validations = new List<OptionsValidationException>();
        Collect(exception);
        Assert.True(validations.Count > 0, $"Expected an OptionsValidationException, got: {exception}");
        return validations.SelectMany(v => v.Failures.Append(v.Message)).ToList();

        void Collect(Exception? current)
        {
            switch (current)
            {
                case null:
                    return;
                case OptionsValidationException validation:
                    validations.Add(validation);
                    return;
                case AggregateException aggregate:
                    foreach (var inner in aggregate.InnerExceptions)
                    {
                        Collect(inner);
                    }

                    return;
                default:
                    Collect(current.InnerException);
                    return;
            }
        }
    }

    private static void AssertNoSecrets(WorkerFactory worker, List<string> failures)
    {
        foreach (var failure in failures)
        {
            Assert.DoesNotContain(worker.Password, failure, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(worker.Token, failure, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static void AssertEnvironmentIsClean()
    {
        Assert.SkipWhen(!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OPS_API_TOKEN")),
            "OPS_API_TOKEN is set in the test environment; the worker would take its token from there.");
        Assert.Null(Environment.GetEnvironmentVariable(UnsetVariable));
    }
}
