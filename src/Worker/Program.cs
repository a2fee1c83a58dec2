using System.Reflection;
using Microsoft.Extensions.Options;
using Serilog;
using StackGres.Ops.Worker.Demo;
using StackGres.Ops.Worker.Hosting;

if (args is ["demo", ..])
{
    return await DemoCommand.RunAsync(args[1..]);
}

if (args is ["local-cluster", ..])
{
    return await StackGres.Ops.Worker.LocalClusters.LocalClusterCommand.RunAsync(args[1..]);
}

Log.Logger = LoggingSetup.Configure(new LoggerConfiguration(), new ConfigurationBuilder().AddEnvironmentVariables().Build())
    .CreateBootstrapLogger();
try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddOpsWorker();
    var app = builder.Build();
    app.MapOpsWorker();
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (ConfigurationFailures(e) is { Count: > 0 } failures)
{
    Log.Fatal("Invalid configuration, the worker does not start: {Failures}", string.Join(" ", failures));
    if (Assembly.GetEntryAssembly() != typeof(Program).Assembly)
    {
        // Hosted in another process's entry point (the functional tests' WebApplicationFactory):
        // the exception is how that host learns why the worker did not start.
        throw;
    }

    return 2;
}
catch (Npgsql.NpgsqlException e) when (Assembly.GetEntryAssembly() == typeof(Program).Assembly)
{
    // Npgsql's messages name the host and port at most, never the password.
    Log.Fatal("The worker's database ({Key}) cannot be reached, the worker does not start: {Message}",
        StackGres.Ops.Worker.Configuration.StorageOptions.ConfigurationKey, e.Message);
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}

// One invalid options type throws OptionsValidationException; several throw an AggregateException of them.
static List<string> ConfigurationFailures(Exception exception) => exception switch
{
    OptionsValidationException validation => [.. validation.Failures],
    AggregateException aggregate when aggregate.InnerExceptions.All(inner => inner is OptionsValidationException) =>
        [.. aggregate.InnerExceptions.Cast<OptionsValidationException>().SelectMany(inner => inner.Failures)],
    _ => [],
};

/// <summary>The worker's entry point; public for the functional tests' WebApplicationFactory.</summary>
public partial class Program;
