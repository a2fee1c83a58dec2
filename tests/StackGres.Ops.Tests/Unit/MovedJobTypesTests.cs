using Hangfire.Common;
using StackGres.Ops.Worker.Queue;
using StackGres.Ops.Worker.Scheduling.Windows;
using Xunit;

namespace StackGres.Ops.Tests.Unit;

public sealed class MovedJobTypesTests
{
    [Fact]
    public void AJobQueuedByAnEarlierWorker_ResolvesToWhereItsTypeIsNow()
    {
        Assert.Equal(typeof(RunOperationJob), MovedJobTypes.Resolve("StackGres.Ops.Worker.Scheduling.RunOperationJob, StackGres.Ops.Worker"));
    }

    [Fact]
    public void TypesThatDidNotMove_ResolveAsHangfireResolvesThem()
    {
        var name = TypeHelper.DefaultTypeSerializer(typeof(WindowJob));

        Assert.Equal(typeof(WindowJob), MovedJobTypes.Resolve(name));
        Assert.Equal(typeof(RunOperationJob), MovedJobTypes.Resolve(TypeHelper.DefaultTypeSerializer(typeof(RunOperationJob))));
    }
}
