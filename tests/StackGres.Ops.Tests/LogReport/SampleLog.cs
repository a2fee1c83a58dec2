using System.Globalization;
using System.Text;

namespace StackGres.Ops.Tests.LogReport;

/// <summary>A varied stderr log over a few hours (queries, errors, sessions, checkpoints, autovacuum, temp files, lock waits).</summary>
internal static class SampleLog
{
    public const string Prefix = "%m [%p] %q%u@%d ";

    public static string Create(int hours = 6)
    {
        var log = new StringBuilder();
        var random = new Random(42);
        var start = new DateTime(2024, 5, 1, 8, 0, 0);
        string[] users = ["app", "reporting", "admin"];
        string[] databases = ["shop", "analytics"];
        for (var minute = 0; minute < hours * 60; minute += 2)
        {
            var busy = 1 + Math.Sin(minute / 60.0) * 0.8;
            for (var i = 0; i < (int)(40 * busy); i++)
            {
                var time = start.AddMinutes(minute).AddSeconds(random.Next(120)).AddMilliseconds(random.Next(1000));
                var pid = 1000 + random.Next(20);
                var who = $"{users[pid % 3]}@{databases[pid % 2]}";
                var (duration, statement) = random.Next(6) switch
                {
                    0 => (random.NextDouble() * 300, $"SELECT * FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.created_at > now() - interval '{random.Next(30)} days'"),
                    1 => (random.NextDouble() * 5, $"UPDATE stock SET quantity = quantity - {random.Next(9)} WHERE item_id = {random.Next(1000)}"),
                    2 => (random.NextDouble() * 2, $"INSERT INTO events (kind, payload) VALUES ('click', '{random.Next()}')"),
                    3 => (random.NextDouble() * 1500, "SELECT customer_id, sum(total) FROM orders GROUP BY customer_id ORDER BY 2 DESC LIMIT 100"),
                    4 => (random.NextDouble(), $"SELECT name FROM items WHERE id IN ({random.Next(100)}, {random.Next(100)}, {random.Next(100)})"),
                    _ => (random.NextDouble() * 0.1, "BEGIN"),
                };
                log.Append(Line(time, pid, who, "LOG", string.Create(CultureInfo.InvariantCulture, $"duration: {duration:0.000} ms  statement: {statement}")));
            }

            var at = start.AddMinutes(minute).AddSeconds(30);
            log.Append(Line(at, 2001, "app@shop", "LOG", "connection authorized: user=app database=shop application_name=web"));
            log.Append(Line(at.AddSeconds(50), 2001, "app@shop", "LOG", string.Create(CultureInfo.InvariantCulture, $"disconnection: session time: 0:00:{random.Next(10, 59)}.{random.Next(999):000} user=app database=shop host=10.0.0.{random.Next(2, 9)} port=5432")));
            if (minute % 14 == 0)
            {
                log.Append(Line(at, 1003, "app@shop", "ERROR", $"duplicate key value violates unique constraint \"orders_pkey\""));
                log.Append(Line(at, 1003, "app@shop", "DETAIL", $"Key (id)=({random.Next(9999)}) already exists."));
                log.Append(Line(at, 1003, "app@shop", "STATEMENT", "INSERT INTO orders (id, total) VALUES (42, 10.5)"));
            }

            if (minute % 30 == 0)
            {
                log.Append(Line(at, 900, "", "LOG", "checkpoint starting: time"));
                log.Append(Line(at.AddSeconds(25), 900, "", "LOG", string.Create(CultureInfo.InvariantCulture,
                    $"checkpoint complete: wrote {random.Next(100, 5000)} buffers (3.1%); 0 WAL file(s) added, 0 removed, 2 recycled; write=24.{random.Next(999):000} s, sync=0.{random.Next(99):000} s, total=25.{random.Next(999):000} s; sync files=40, longest=0.010 s, average=0.001 s; distance={random.Next(1000, 90000)} kB, estimate=90000 kB")));
                log.Append(Line(at.AddSeconds(5), 901, "", "LOG", "automatic vacuum of table \"shop.public.orders\": index scans: 1\n\tpages: 0 removed, 820 remain, 300 scanned (36.59% of total)\n\ttuples: 1200 removed, 40000 remain, 0 are dead but not yet removable\n\tsystem usage: CPU: user: 0.02 s, system: 0.00 s, elapsed: 0.31 s"));
                log.Append(Line(at.AddSeconds(6), 901, "", "LOG", "automatic analyze of table \"shop.public.orders\"\n\tsystem usage: CPU: user: 0.01 s, system: 0.00 s, elapsed: 0.05 s"));
                log.Append(Line(at.AddSeconds(7), 1004, "reporting@analytics", "LOG", "temporary file: path \"base/pgsql_tmp/pgsql_tmp1004.0\", size 52428800"));
                log.Append(Line(at.AddSeconds(7), 1004, "reporting@analytics", "STATEMENT", "SELECT customer_id, sum(total) FROM orders GROUP BY customer_id ORDER BY 2 DESC LIMIT 100"));
                log.Append(Line(at.AddSeconds(8), 1005, "app@shop", "LOG", "process 1005 still waiting for ShareLock on transaction 7781 after 1000.072 ms"));
                log.Append(Line(at.AddSeconds(8), 1005, "app@shop", "DETAIL", "Process holding the lock: 1006. Wait queue: 1005."));
            }
        }

        return log.ToString();
    }

    private static string Line(DateTime time, int pid, string who, string severity, string message) =>
        string.Create(CultureInfo.InvariantCulture, $"{time:yyyy-MM-dd HH:mm:ss.fff} UTC [{pid}] {(who.Length > 0 ? who + " " : "")}{severity}:  {message}\n");
}
