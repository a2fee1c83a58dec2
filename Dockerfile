# Two images from one build: the worker (API + scheduler) and the job runner (what a run's Job runs).
#   podman build --target worker -t stackgres-ops-worker:0.1.0 .        (or docker build)
#   podman build --target job-runner -t stackgres-ops-jobs:0.1.0 .
# Every base image is a build argument; the defaults are the public images. A machine that reaches Debian's
# package mirrors but no image registry builds local stand-ins with scripts/local-base-images.sh and passes the
# arguments it prints (scripts/build-images.sh does both).
#
# PG_MAJOR: the PostgreSQL major version whose tools (client, server, pg_repack, pgBackRest) the runner carries.
# pg_repack's client must be the version of the extension installed in the server, pgBackRest the version of the
# one on the servers, and a restored copy starts only with its own major's server, so build one runner image per
# major version you maintain, from a RUNNER_BASE whose apt sources carry postgresql-${PG_MAJOR},
# postgresql-client-${PG_MAJOR}, postgresql-${PG_MAJOR}-repack and pgbackrest (Debian bookworm has 15; the
# PostgreSQL project's apt repository has every supported major).
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG WORKER_BASE=mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled-extra
ARG RUNNER_BASE=debian:bookworm-slim
ARG PG_MAJOR=15

FROM ${SDK_IMAGE} AS build
# Native AOT links the runner with the platform's toolchain.
RUN apt-get update \
 && apt-get install -y --no-install-recommends clang zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Jobs/StackGres.Ops.Jobs.csproj src/Jobs/
COPY src/Worker/StackGres.Ops.Worker.csproj src/Worker/
RUN --mount=type=cache,id=sgops-nuget,target=/root/.nuget/packages \
    dotnet restore src/Worker/StackGres.Ops.Worker.csproj \
 && dotnet restore src/Jobs/StackGres.Ops.Jobs.csproj -r linux-x64 -p:PublishAot=true
COPY src/Jobs/ src/Jobs/
COPY src/Worker/ src/Worker/
# Publishing restores again (nothing to do when the cache mount holds the packages): the restore layer above
# can come from the layer cache while the cache mount, kept apart from it, was emptied.
RUN --mount=type=cache,id=sgops-nuget,target=/root/.nuget/packages \
    dotnet publish src/Jobs/StackGres.Ops.Jobs.csproj -c Release -r linux-x64 -p:PublishAot=true -o /out/jobs \
 && rm -f /out/jobs/*.dbg /out/jobs/*.pdb
RUN --mount=type=cache,id=sgops-nuget,target=/root/.nuget/packages \
    dotnet publish src/Worker/StackGres.Ops.Worker.csproj -c Release -o /out/worker \
 && rm -f /out/worker/*.pdb

# The worker: the ASP.NET Core runtime (with time zones, for the windows' cron schedules) and the worker.
FROM ${WORKER_BASE} AS worker
WORKDIR /app
COPY --from=build /out/worker .
USER $APP_UID
EXPOSE 8080
ENV ASPNETCORE_HTTP_PORTS=8080
ENTRYPOINT ["/app/StackGres.Ops.Worker"]

# The job runner: the Native AOT runner (no .NET runtime needed) with the PostgreSQL tools of PG_MAJOR: the client,
# the pg_repack client, pgBackRest, and the server itself (restore and restore-test start the restored copy on a
# volume of the Job). The server and pg_repack packages are unpacked, not installed: their packages depend on LLVM
# for the JIT (about 100 MB), which a restored copy never needs; the server's own libraries are installed. LOCALES
# are generated besides C and C.UTF-8, so a copy whose databases use one of them starts (add the clusters' own).
# Non-root (uid 1654, as the .NET images' "app"), nothing written outside /tmp and the Job's volumes.
FROM ${RUNNER_BASE} AS job-runner
ARG PG_MAJOR
ARG LOCALES="en_US.UTF-8"
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates postgresql-client-${PG_MAJOR} pgbackrest \
      libicu72 libxml2 libxslt1.1 libuuid1 libpam0g libsystemd0 libselinux1 tzdata locales \
 && for locale in ${LOCALES}; do echo "${locale} ${locale#*.}" >> /etc/locale.gen; done \
 && locale-gen \
 && cd /tmp \
 && apt-get download postgresql-${PG_MAJOR} postgresql-${PG_MAJOR}-repack \
 && dpkg-deb --fsys-tarfile postgresql-${PG_MAJOR}-repack_*.deb | tar -x -C / ./usr/lib/postgresql/${PG_MAJOR}/bin/pg_repack \
 && dpkg-deb --fsys-tarfile postgresql-${PG_MAJOR}_*.deb \
      | tar -x -C / --exclude='./usr/share/doc*' --exclude='./usr/share/man*' --exclude='./usr/share/locale*' \
          --exclude='./usr/lib/postgresql/*/lib/bitcode*' --exclude='./usr/lib/postgresql/*/lib/llvmjit*' \
          ./usr/lib/postgresql ./usr/share/postgresql \
 && /usr/lib/postgresql/${PG_MAJOR}/bin/pg_repack --version \
 && /usr/lib/postgresql/${PG_MAJOR}/bin/postgres --version \
 && rm -rf /tmp/* /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt /var/log/dpkg.log /usr/share/i18n /usr/share/locale /usr/share/doc/* \
 && groupadd --gid 1654 app && useradd --uid 1654 --gid 1654 --no-create-home --home-dir /tmp --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=build /out/jobs/StackGres.Ops.Jobs .
USER 1654
# pgBackRest's log, lock and spool paths are in the configuration the runner writes for each run (directories it makes).
ENV HOME=/tmp TMPDIR=/tmp
ENTRYPOINT ["/app/StackGres.Ops.Jobs"]
