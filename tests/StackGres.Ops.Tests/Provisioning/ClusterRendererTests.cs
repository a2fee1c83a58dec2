using System.Text.Json;
using k8s;
using k8s.Models;
using StackGres.Ops.Worker.Provisioning;
using Xunit;

namespace StackGres.Ops.Tests.Provisioning;

/// <summary>The objects <see cref="ClusterRenderer"/> makes of a spec, checked field by field.</summary>
public sealed class ClusterRendererTests
{
    private static ClusterManifests Render(Action<ClusterSpec>? change = null) => ClusterRenderer.Render(Specs.Blueprint(change));

    private static IEnumerable<V1EnvVar> AllEnv(V1StatefulSet set) => set.Spec.Template.Spec.Containers.SelectMany(c => c.Env ?? []);

    [Fact]
    public void Render_NamesEveryObject_InTheNamespace_WithTheSameLabels_AndNoOwner()
    {
        var manifests = Render();

        Assert.Equal(
        [
            "ServiceAccount orders-patroni", "Role orders-patroni", "RoleBinding orders-patroni", "ConfigMap orders-postgres-conf",
            "Service orders-pods", "Service orders-primary", "Service orders-replicas", "PodDisruptionBudget orders", "StatefulSet orders",
        ], manifests.All.Select(o => $"{o.Kind} {o.Metadata.Name}"));
        foreach (var item in manifests.All)
        {
            Assert.Equal("databases", item.Metadata.NamespaceProperty);
            Assert.Null(item.Metadata.OwnerReferences);
            Assert.Equal(new Dictionary<string, string>
            {
                ["app.kubernetes.io/name"] = "postgresql",
                ["app.kubernetes.io/instance"] = "orders",
                ["ops.stackgres.io/cluster"] = "orders",
                ["app.kubernetes.io/version"] = "15.10",
                ["app.kubernetes.io/component"] = "database",
                ["app.kubernetes.io/part-of"] = "stackgres-ops",
                ["app.kubernetes.io/managed-by"] = "stackgres-ops",
            }, item.Metadata.Labels);
        }
    }

    [Fact]
    public void Render_SelectorsOfServicesAndBudget_MatchThePodTemplate()
    {
        var manifests = Render();
        var set = manifests.StatefulSet;
        var podLabels = set.Spec.Template.Metadata.Labels;

        Assert.Equal(set.Spec.Selector.MatchLabels, manifests.DisruptionBudget.Spec.Selector.MatchLabels);
        Assert.All(set.Spec.Selector.MatchLabels, label => Assert.Equal(label.Value, podLabels[label.Key]));
        Assert.DoesNotContain("app.kubernetes.io/version", set.Spec.Selector.MatchLabels.Keys);
        Assert.Equal(set.Spec.Selector.MatchLabels, manifests.PodsService.Spec.Selector);
        // The role label is Patroni's: not in the template, only in the rw/ro selectors, on top of the pods' own.
        Assert.DoesNotContain("role", podLabels.Keys);
        foreach (var (service, role) in new[] { (manifests.PrimaryService, "primary"), (manifests.ReplicasService, "replica") })
        {
            Assert.Equal(role, service.Spec.Selector["role"]);
            Assert.All(service.Spec.Selector.Where(s => s.Key != "role"), label => Assert.Equal(label.Value, podLabels[label.Key]));
            Assert.Equal(set.Spec.Selector.MatchLabels.Count + 1, service.Spec.Selector.Count);
        }

        Assert.Equal("None", manifests.PodsService.Spec.ClusterIP);
        Assert.True(manifests.PodsService.Spec.PublishNotReadyAddresses);
        Assert.Equal("orders-pods", set.Spec.ServiceName);
        Assert.Equal("1", manifests.DisruptionBudget.Spec.MaxUnavailable.Value);
        Assert.Null(manifests.DisruptionBudget.Spec.MinAvailable);
        var antiAffinity = Assert.Single(set.Spec.Template.Spec.Affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution);
        Assert.Equal("kubernetes.io/hostname", antiAffinity.PodAffinityTerm.TopologyKey);
        Assert.Equal(set.Spec.Selector.MatchLabels, antiAffinity.PodAffinityTerm.LabelSelector.MatchLabels);
        Assert.Null(set.Spec.Template.Spec.Affinity.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution);
    }

    [Fact]
    public void Render_StatefulSet_HasInstancesVolumeResourcesProbesAndANonRootPod()
    {
        var set = Render(spec =>
        {
            spec.Storage = new StorageSpec { Size = "50Gi", StorageClass = "fast-ssd" };
            spec.Resources = new ResourcesSpec { Requests = new() { Cpu = "500m", Memory = "4Gi" }, Limits = new() { Cpu = "2", Memory = "8Gi" } };
        }).StatefulSet;
        var pod = set.Spec.Template.Spec;
        var postgres = Assert.Single(pod.Containers);

        Assert.Equal(3, set.Spec.Replicas);
        Assert.Equal("OnDelete", set.Spec.UpdateStrategy.Type);
        var claim = Assert.Single(set.Spec.VolumeClaimTemplates);
        Assert.Equal("data", claim.Metadata.Name);
        Assert.Equal("fast-ssd", claim.Spec.StorageClassName);
        Assert.Equal(["ReadWriteOnce"], claim.Spec.AccessModes);
        Assert.Equal(new ResourceQuantity("50Gi"), claim.Spec.Resources.Requests["storage"]);
        Assert.Equal("quay.io/ongres/patroni:v3.2.0-pg15.10-build-6.29", postgres.Image);
        Assert.Equal(["patroni", "/etc/stackgres-ops/patroni.yml"], postgres.Command);
        Assert.Equal([("postgresql", 5432), ("patroni", 8008)], postgres.Ports.Select(p => (p.Name, p.ContainerPort)));
        Assert.Equal("500m", postgres.Resources.Requests["cpu"].ToString());
        Assert.Equal("4Gi", postgres.Resources.Requests["memory"].ToString());
        Assert.Equal("2", postgres.Resources.Limits["cpu"].ToString());
        Assert.Equal("8Gi", postgres.Resources.Limits["memory"].ToString());
        Assert.Equal(("/readiness", "patroni"), (postgres.ReadinessProbe.HttpGet.Path, postgres.ReadinessProbe.HttpGet.Port.Value));
        Assert.Equal(("/liveness", "patroni"), (postgres.LivenessProbe.HttpGet.Path, postgres.LivenessProbe.HttpGet.Port.Value));
        Assert.Equal(
            [("data", "/var/lib/postgresql/data"), ("config", "/etc/stackgres-ops"), ("socket", "/var/run/postgresql"), ("tmp", "/tmp")],
            postgres.VolumeMounts.Select(m => (m.Name, m.MountPath)));
        Assert.Equal("orders-postgres-conf", pod.Volumes.Single(v => v.Name == "config").ConfigMap.Name);
        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.Equal(999, pod.SecurityContext.RunAsUser);
        Assert.Equal(999, pod.SecurityContext.FsGroup);
        Assert.False(postgres.SecurityContext.AllowPrivilegeEscalation);
        Assert.Equal(["ALL"], postgres.SecurityContext.Capabilities.Drop);
        Assert.Equal("orders-patroni", pod.ServiceAccountName);
    }

    [Fact]
    public void Render_MemoryLimit_IsTheRequest_WhenNoneIsSet()
    {
        var postgres = Render().StatefulSet.Spec.Template.Spec.Containers[0];

        Assert.Equal("2Gi", postgres.Resources.Limits["memory"].ToString());
        Assert.False(postgres.Resources.Limits.ContainsKey("cpu"));
        Assert.Equal("1", postgres.Resources.Requests["cpu"].ToString());
    }

    [Fact]
    public void Render_Sidecars_OnlyWhenEnabled_WithTheirServicePorts()
    {
        var plain = Render();
        var pooled = Render(spec => spec.Pooling = new PoolingSpec { Enabled = true, Mode = "session", PoolSize = 30 });
        var monitored = Render(spec => spec.Metrics.Enabled = true);
        var both = Render(spec => { spec.Pooling.Enabled = true; spec.Metrics.Enabled = true; });

        Assert.Equal(["postgresql"], plain.StatefulSet.Spec.Template.Spec.Containers.Select(c => c.Name));
        Assert.Equal(["postgresql", "pgbouncer"], pooled.StatefulSet.Spec.Template.Spec.Containers.Select(c => c.Name));
        Assert.Equal(["postgresql", "metrics"], monitored.StatefulSet.Spec.Template.Spec.Containers.Select(c => c.Name));
        Assert.Equal(["postgresql", "pgbouncer", "metrics"], both.StatefulSet.Spec.Template.Spec.Containers.Select(c => c.Name));

        Assert.Equal(["postgresql"], plain.PrimaryService.Spec.Ports.Select(p => p.Name));
        Assert.Equal(["postgresql", "pgbouncer"], pooled.PrimaryService.Spec.Ports.Select(p => p.Name));
        Assert.Equal(["postgresql", "pgbouncer"], pooled.ReplicasService.Spec.Ports.Select(p => p.Name));
        Assert.Equal(["postgresql", "pgbouncer", "patroni"], pooled.PodsService.Spec.Ports.Select(p => p.Name));
        Assert.Equal(6432, pooled.PrimaryService.Spec.Ports[1].Port);
        Assert.Equal("pgbouncer", pooled.PrimaryService.Spec.Ports[1].TargetPort.Value);

        var bouncer = pooled.StatefulSet.Spec.Template.Spec.Containers[1];
        Assert.Equal(6432, Assert.Single(bouncer.Ports).ContainerPort);
        Assert.Equal("session", bouncer.Env.Single(e => e.Name == "POOL_MODE").Value);
        Assert.Equal("30", bouncer.Env.Single(e => e.Name == "DEFAULT_POOL_SIZE").Value);
        Assert.Equal("pgbouncer", bouncer.Env.Single(e => e.Name == "AUTH_USER").Value);
        var exporter = monitored.StatefulSet.Spec.Template.Spec.Containers[1];
        Assert.Equal(9187, Assert.Single(exporter.Ports).ContainerPort);
        Assert.Equal("quay.io/prometheuscommunity/postgres-exporter:v0.15.0", exporter.Image);
    }

    [Fact]
    public void Render_Passwords_OnlyAsSecretKeyRefs()
    {
        var set = Render(spec =>
        {
            spec.Pooling.Enabled = true;
            spec.Metrics.Enabled = true;
            spec.Credentials.Superuser = new CredentialSpec { Username = "admin", SecretName = "orders-admin", SecretKey = "pw" };
            spec.Backup = new BackupSpec { Repository = Specs.RepositoryCluster, S3Secret = "s3-keys" };
        }).StatefulSet;
        var env = AllEnv(set).ToList();

        var secretRefs = env.Where(e => e.ValueFrom?.SecretKeyRef is not null)
            .Select(e => $"{e.Name}={e.ValueFrom.SecretKeyRef.Name}/{e.ValueFrom.SecretKeyRef.Key}").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(
        [
            "DATA_SOURCE_PASS=orders-admin/pw",
            "DB_PASSWORD=orders-credentials/pgbouncer-password",
            "PATRONI_REPLICATION_PASSWORD=orders-credentials/replication-password",
            "PATRONI_SUPERUSER_PASSWORD=orders-admin/pw",
            "PGBACKREST_REPO1_S3_KEY=s3-keys/accessKeyId",
            "PGBACKREST_REPO1_S3_KEY_SECRET=s3-keys/secretAccessKey",
        ], secretRefs);
        // No variable that names a secret holds a plain value; every value is a value, a field or a secretKeyRef.
        Assert.All(env.Where(e => e.Name.Contains("PASS", StringComparison.Ordinal) || e.Name.EndsWith("KEY", StringComparison.Ordinal) || e.Name.EndsWith("KEY_SECRET", StringComparison.Ordinal)),
            e => Assert.Null(e.Value));
        Assert.All(env, e => Assert.True((e.Value is null) != (e.ValueFrom is null), e.Name));
        Assert.Equal("admin", env.Single(e => e.Name == "PATRONI_SUPERUSER_USERNAME").Value);
        Assert.Equal("orders", env.Single(e => e.Name == "PGBACKREST_STANZA").Value);
        Assert.Equal("pg-backups", env.Single(e => e.Name == "PGBACKREST_REPO1_S3_BUCKET").Value);
        Assert.Equal("3", env.Single(e => e.Name == "PGBACKREST_REPO1_RETENTION_FULL").Value);
    }

    [Fact]
    public void Render_WithATlsSecret_RunsPgBackRestServerBesideEachInstance_ReachableByThePrimaryService()
    {
        var manifests = Render(spec => spec.Backup = new BackupSpec
        {
            Repository = Specs.RepositoryCluster, S3Secret = "s3-keys", TlsSecret = "orders-pgbackrest-tls", ClientCommonName = "backup-jobs",
        });
        var pod = manifests.StatefulSet.Spec.Template.Spec;
        var server = pod.Containers.Single(c => c.Name == "pgbackrest");
        var env = server.Env.ToDictionary(e => e.Name, e => e.Value ?? $"{e.ValueFrom.SecretKeyRef.Name}/{e.ValueFrom.SecretKeyRef.Key}", StringComparer.Ordinal);

        Assert.Equal(["pgbackrest", "server"], server.Command);
        Assert.Equal(pod.Containers.Single(c => c.Name == "postgresql").Image, server.Image);
        Assert.Equal(8432, server.Ports.Single().ContainerPort);
        Assert.Equal("backup-jobs=orders", env["PGBACKREST_TLS_SERVER_AUTH"]);
        Assert.Equal("/etc/pgbackrest/tls/tls.key", env["PGBACKREST_TLS_SERVER_KEY_FILE"]);
        Assert.Equal("/var/lib/postgresql/data/pgdata", env["PGBACKREST_PG1_PATH"]);
        Assert.Equal("s3-keys/secretAccessKey", env["PGBACKREST_REPO1_S3_KEY_SECRET"]);
        Assert.Contains(server.VolumeMounts, m => m is { Name: "data", MountPath: "/var/lib/postgresql/data" });
        Assert.Contains(server.VolumeMounts, m => m is { Name: "socket", MountPath: "/var/run/postgresql" });
        var tls = pod.Volumes.Single(v => v.Name == "pgbackrest-tls").Secret;
        Assert.Equal("orders-pgbackrest-tls", tls.SecretName);
        Assert.Equal(0b110_100_000, tls.DefaultMode);
        Assert.Equal(8432, manifests.PrimaryService.Spec.Ports.Single(p => p.Name == "pgbackrest").Port);

        var without = Render(spec => spec.Backup = new BackupSpec { Repository = Specs.RepositoryCluster, S3Secret = "s3-keys" });
        Assert.DoesNotContain(without.StatefulSet.Spec.Template.Spec.Containers, c => c.Name == "pgbackrest");
    }

    [Fact]
    public void Render_ConfigMap_HoldsTheTunedConfAndPatroniConfig()
    {
        var manifests = Render(spec =>
        {
            spec.Resources.Requests.Memory = "4Gi";
            spec.Parameters["log_min_duration_statement"] = "250ms";
            spec.Parameters["effective_cache_size"] = "2GB";
            spec.Parameters["search_path"] = "\"$user\", app's";
        });
        var conf = manifests.ConfigMap.Data["postgresql.conf"];
        var patroni = manifests.ConfigMap.Data["patroni.yml"];

        Assert.Equal(["patroni.yml", "postgresql.conf"], manifests.ConfigMap.Data.Keys);
        Assert.Contains("\nshared_buffers = '1GB'\n", conf, StringComparison.Ordinal);
        Assert.Contains("\neffective_cache_size = '2GB'\n", conf, StringComparison.Ordinal);
        Assert.Contains("\nlog_min_duration_statement = '250ms'\n", conf, StringComparison.Ordinal);
        Assert.Contains("\nsearch_path = '\"$user\", app''s'\n", conf, StringComparison.Ordinal);
        Assert.Contains("\nwal_level = 'replica'\n", conf, StringComparison.Ordinal);
        Assert.DoesNotContain("archive_command", conf, StringComparison.Ordinal);
        var lines = conf.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).ToArray();
        Assert.Equal(lines.Order(StringComparer.Ordinal), lines);

        Assert.Contains("scope: \"orders\"\n", patroni, StringComparison.Ordinal);
        Assert.Contains("  role_label: \"role\"\n  leader_label_value: \"primary\"\n  follower_label_value: \"replica\"\n", patroni, StringComparison.Ordinal);
        Assert.Contains("  scope_label: \"ops.stackgres.io/cluster\"\n", patroni, StringComparison.Ordinal);
        Assert.Contains("  custom_conf: \"/etc/stackgres-ops/postgresql.conf\"\n", patroni, StringComparison.Ordinal);
        Assert.Contains("        max_connections: \"100\"\n", patroni, StringComparison.Ordinal);
        Assert.Contains("  - host replication replicator all scram-sha-256\n", patroni, StringComparison.Ordinal);
        Assert.DoesNotContain("password", patroni, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Render_ConfigChange_ChangesThePodTemplatesHash_AndNothingElseOfTheTemplate()
    {
        var before = Render().StatefulSet;
        var after = Render(spec => spec.Parameters["work_mem"] = "32MB").StatefulSet;

        var hashBefore = before.Spec.Template.Metadata.Annotations["ops.stackgres.io/config-hash"];
        var hashAfter = after.Spec.Template.Metadata.Annotations["ops.stackgres.io/config-hash"];
        Assert.Matches("^[0-9a-f]{16}$", hashBefore);
        Assert.NotEqual(hashBefore, hashAfter);
        after.Spec.Template.Metadata.Annotations["ops.stackgres.io/config-hash"] = hashBefore;
        Assert.Equal(KubernetesJson.Serialize(before), KubernetesJson.Serialize(after));
    }

    [Fact]
    public void Render_IsDeterministic_AndItsYamlReloadsStrictly()
    {
        var first = ManifestDocuments.Yaml(Render(spec => { spec.Pooling.Enabled = true; spec.Metrics.Enabled = true; }));
        var second = ManifestDocuments.Yaml(Render(spec => { spec.Pooling.Enabled = true; spec.Metrics.Enabled = true; }));

        Assert.Equal(first, second);
        Assert.StartsWith("---\napiVersion: v1\nkind: ServiceAccount\n", first, StringComparison.Ordinal);
        var objects = KubernetesYaml.LoadAllFromString(first, strict: true);
        Assert.Equal(
            [typeof(V1ServiceAccount), typeof(V1Role), typeof(V1RoleBinding), typeof(V1ConfigMap), typeof(V1Service), typeof(V1Service), typeof(V1Service), typeof(V1PodDisruptionBudget), typeof(V1StatefulSet)],
            objects.Select(o => o.GetType()));
        var set = Assert.IsType<V1StatefulSet>(objects[^1]);
        Assert.Equal(["postgresql", "pgbouncer", "metrics"], set.Spec.Template.Spec.Containers.Select(c => c.Name));
        Assert.Equal(Render(spec => { spec.Pooling.Enabled = true; spec.Metrics.Enabled = true; }).ConfigMap.Data["postgresql.conf"],
            Assert.IsType<V1ConfigMap>(objects[3]).Data["postgresql.conf"]);
    }

    [Fact]
    public void Json_IsAV1ListOfTheSameObjects()
    {
        var manifests = Render();

        using var list = JsonDocument.Parse(ManifestDocuments.Json(manifests));

        Assert.Equal("List", list.RootElement.GetProperty("kind").GetString());
        var items = list.RootElement.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(manifests.All.Select(o => o.Kind), items.Select(i => i.GetProperty("kind").GetString()));
        Assert.Equal(KubernetesJson.Serialize(manifests.StatefulSet), items[^1].GetRawText());
    }

    [Fact]
    public void Blueprint_Namespace_ComesFromTheSpec_ElseTheInventory_ElseTheExecutor_ElseDefault()
    {
        Assert.Equal("databases", Specs.Blueprint(Specs.Minimal(), executorNamespace: "jobs").Namespace);
        Assert.Equal("from-inventory", Specs.Blueprint(Specs.Minimal(s => s.Namespace = null), name: "local", executorNamespace: "jobs").Namespace);
        Assert.Equal("jobs", Specs.Blueprint(Specs.Minimal(s => s.Namespace = null), executorNamespace: "jobs").Namespace);
        Assert.Equal("default", Specs.Blueprint(Specs.Minimal(s => s.Namespace = null)).Namespace);
    }

    [Fact]
    public void Blueprint_Image_DefaultsFromTheVersion_UnlessSet()
    {
        Assert.Equal("quay.io/ongres/patroni:v3.2.0-pg16.4-build-6.29", Specs.Blueprint(s => s.Version = "16.4").Image);
        Assert.Equal("registry.example/pg:16", Specs.Blueprint(s => s.Image = "registry.example/pg:16").Image);
    }

    [Fact]
    public void Rbac_LetsPatroniKeepItsConfigMapsAndLabelItsPods()
    {
        var manifests = Render();

        Assert.Contains(manifests.Role.Rules, r => r.Resources.SequenceEqual(["pods"]) && r.Verbs.Contains("patch"));
        Assert.Contains(manifests.Role.Rules, r => r.Resources.SequenceEqual(["configmaps"]) && r.Verbs.Contains("create"));
        Assert.Equal(("Role", "orders-patroni"), (manifests.RoleBinding.RoleRef.Kind, manifests.RoleBinding.RoleRef.Name));
        var subject = Assert.Single(manifests.RoleBinding.Subjects);
        Assert.Equal(("ServiceAccount", "orders-patroni", "databases"), (subject.Kind, subject.Name, subject.NamespaceProperty));
    }
}
