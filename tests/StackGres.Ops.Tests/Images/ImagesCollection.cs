using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.Images;

/// <summary>The tests that run the project's images (directly, or as the stand-in's Jobs) share one PostgreSQL server of their own.</summary>
[CollectionDefinition(Name)]
public sealed class ImagesCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "images";
}
