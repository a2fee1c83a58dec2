using Xunit;

namespace StackGres.Ops.Tests.Backup;

/// <summary>Tests in this collection share one <see cref="BackupScenarioFixture"/> (one source, one repository, one history).</summary>
[CollectionDefinition(Name)]
public sealed class BackupScenarioCollection : ICollectionFixture<BackupScenarioFixture>
{
    public const string Name = "backup-scenario";
}
