using Microsoft.Extensions.Options;
using Serilog;
using StackGres.Ops.Worker.Demo;
using StackGres.Ops.Worker.Hosting;

if (args is ["demo", ..])
{
    return await DemoCommand.RunAsync(args[1..]);
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
catch (OptionsValidationException e)
{
    Log.Fatal("Invalid configuration, the worker does not start: {Failures}", string.Join(" ", e.Failures));
    return 2;
}
finally
{
    await Log.CloseAndFlushAsync();
}

/// <summary>The worker's entry point; public for the functional tests' WebApplicationFactory.</summary>
public partial class Program;
