using Xunit;

namespace StackGres.Ops.Tests.Kubernetes.PatroniPods;

/// <summary>The tests that share one Patroni StatefulSet on the stand-in (<see cref="PatroniStatefulSetFixture"/>).</summary>
[CollectionDefinition(Name)]
public sealed class PatroniStatefulSetCollection : ICollectionFixture<PatroniStatefulSetFixture>
{
    public const string Name = "patroni-statefulset";
}
