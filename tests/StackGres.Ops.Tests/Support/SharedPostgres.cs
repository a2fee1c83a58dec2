using StackGres.Ops.Tests.Support;
using Xunit;

// One local PostgreSQL server for the whole assembly: every test class that takes a PostgresFixture
// gets this one, and the classes run in parallel (each test makes databases of its own on it).
[assembly: AssemblyFixture(typeof(PostgresFixture))]
