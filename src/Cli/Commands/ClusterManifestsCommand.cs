using System.CommandLine;

namespace StackGres.Ops.Cli.Commands;

/// <summary><c>sgops clusters manifests NAME [--json]</c>: the cluster's Kubernetes objects, ready for <c>kubectl apply -f -</c>.</summary>
public static class ClusterManifestsCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var name = new Argument<string>("name") { Description = "The cluster (a spec under Ops:ClusterSpecs)" };
        var json = new Option<bool>("--json") { Description = "A JSON v1 List instead of YAML documents" };
        var command = new Command("manifests", "The Kubernetes objects of a cluster spec: StatefulSet, Services, ConfigMap, PodDisruptionBudget, RBAC") { name, json };
        context.SetAction(command, async (parse, api, cancellationToken) =>
        {
            var text = await api.GetManifestsAsync(parse.GetRequiredValue(name), parse.GetValue(json), cancellationToken);
            await context.Out.WriteAsync(text.EndsWith('\n') ? text : text + "\n");
            return ExitCodes.Succeeded;
        });
        return command;
    }
}
