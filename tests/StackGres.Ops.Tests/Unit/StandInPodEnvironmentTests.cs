using System.Text;
using k8s.Models;
using StackGres.Ops.Tests.Kubernetes.StandIn;
using Xunit;

namespace StackGres.Ops.Tests.Unit;

/// <summary>The stand-in kubelets' environment: fieldRefs, secretKeyRefs and Kubernetes' <c>$(VAR)</c> expansion.</summary>
public sealed class StandInPodEnvironmentTests
{
    [Theory]
    [InlineData("$(POD_IP):8008", "10.90.1.2:8008")]
    [InlineData("$$(POD_IP)", "$(POD_IP)")]
    [InlineData("$(LATER)-$(UNKNOWN)", "$(LATER)-$(UNKNOWN)")]
    [InlineData("cost $5 $(", "cost $5 $(")]
    public void Expand_ReplacesEarlierVariables_AndKeepsTheRest(string value, string expected) =>
        Assert.Equal(expected, StandInPodEnvironment.Expand(value, new Dictionary<string, string> { ["POD_IP"] = "10.90.1.2" }));

    [Fact]
    public void Resolve_FillsFieldRefsSecretsAndReferences_InOrder()
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "pg-0", NamespaceProperty = "ns", Uid = "u1", Labels = new Dictionary<string, string> { ["app"] = "x" } },
            Spec = new V1PodSpec(),
            Status = new V1PodStatus { PodIP = "10.90.1.2" },
        };
        var container = new V1Container
        {
            Name = "c",
            Env =
            [
                new V1EnvVar { Name = "NAME", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } } },
                new V1EnvVar { Name = "IP", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "status.podIP" } } },
                new V1EnvVar { Name = "APP", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.labels['app']" } } },
                new V1EnvVar { Name = "PASSWORD", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "s", Key = "k" } } },
                new V1EnvVar { Name = "URL", Value = "http://$(IP):8008/$(NAME)" },
            ],
        };
        var secret = new V1Secret { Data = new Dictionary<string, byte[]> { ["k"] = Encoding.UTF8.GetBytes("p") } };

        var (environment, problem) = StandInPodEnvironment.Resolve(pod, container, name => name == "s" ? secret : null);

        Assert.Null(problem);
        Assert.Equal(["NAME", "IP", "APP", "PASSWORD", "URL"], environment!.Keys);
        Assert.Equal(["pg-0", "10.90.1.2", "x", "p", "http://10.90.1.2:8008/pg-0"], environment.Values);
    }

    [Fact]
    public void Resolve_NamesTheMissingSecret()
    {
        var container = new V1Container
        {
            Name = "c",
            Env = [new V1EnvVar { Name = "P", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "gone", Key = "k" } } }],
        };

        var (environment, problem) = StandInPodEnvironment.Resolve(new V1Pod { Metadata = new V1ObjectMeta(), Spec = new V1PodSpec() }, container, _ => null);

        Assert.Null(environment);
        Assert.Contains("secret \"gone\"", problem, StringComparison.Ordinal);
    }
}
