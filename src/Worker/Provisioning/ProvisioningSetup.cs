using Microsoft.Extensions.Options;
using StackGres.Ops.Worker.Configuration;

namespace StackGres.Ops.Worker.Provisioning;

/// <summary>Cluster specs: their options, validated at start-up, and what renders them.</summary>
public static class ProvisioningSetup
{
    public static IServiceCollection AddOpsProvisioning(this IServiceCollection services)
    {
        services.AddOptions<ClusterSpecsOptions>().BindConfiguration(ClusterSpecsOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ClusterSpecsOptions>, ClusterSpecsValidator>();
        services.AddSingleton<ClusterBlueprints>();
        services.AddSingleton<IPostConfigureOptions<ClustersOptions>, PatroniUrlsFromSpecs>();
        return services;
    }
}
