# Two images from one build: the worker (API + scheduler) and the job runner (what a run's Job runs).
#   docker build --target worker -t stackgres-ops-worker:0.1.0 .
#   docker build --target job-runner -t stackgres-ops-jobs:0.1.0 .

FROM mcr.microsoft.com/dotnet/sdk:10.0.100 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props StackGres.Ops.sln ./
COPY src/ src/
RUN dotnet publish src/Worker/StackGres.Ops.Worker.csproj -c Release -o /out/worker \
 && dotnet publish src/Jobs/StackGres.Ops.Jobs.csproj -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o /out/jobs

# The worker: ASP.NET Core runtime only.
FROM mcr.microsoft.com/dotnet/aspnet:10.0.0 AS worker
WORKDIR /app
COPY --from=build /out/worker .
USER $APP_UID
EXPOSE 8080
ENTRYPOINT ["/app/StackGres.Ops.Worker"]

# The job runner, published ReadyToRun (precompiled: a run starts without compiling the runner first; the same
# command is what bench/log-report times): the .NET runtime plus the PostgreSQL 15 client tools, pg_repack and pgBackRest
# from Debian (bookworm, the base of aspnet:10.0), without apt caches or compilers.
FROM mcr.microsoft.com/dotnet/aspnet:10.0.0 AS job-runner
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client-15 postgresql-15-repack pgbackrest \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*
WORKDIR /app
COPY --from=build /out/jobs .
USER $APP_UID
ENTRYPOINT ["/app/StackGres.Ops.Jobs"]
