using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary>The log-report worker tests share one PostgreSQL server of their own.</summary>
[CollectionDefinition(Name)]
public sealed class LogReportWorkerCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "log-report-worker";
}
