using Xunit;

namespace StackGres.Ops.Tests.Support;

/// <summary>Tests in this collection share one local PostgreSQL server (<see cref="PostgresFixture"/>).</summary>
[CollectionDefinition(PostgresCollection.Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
