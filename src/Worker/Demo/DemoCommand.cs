namespace StackGres.Ops.Worker.Demo;

public static class DemoCommand
{
    public static Task<int> RunAsync(string[] args) => Task.FromResult(0);
}
