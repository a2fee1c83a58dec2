#!/usr/bin/env bash
# Builds, from Debian's packages and the .NET SDK installed on this machine, local stand-ins for the public base
# images the Dockerfile names, for machines that reach Debian's package mirrors but no image registry:
#   localhost/sgops-base/debian:bookworm       stands for debian:bookworm-slim
#   localhost/sgops-base/dotnet-sdk:10.0       stands for mcr.microsoft.com/dotnet/sdk:10.0
#   localhost/sgops-base/dotnet-aspnet:10.0    stands for mcr.microsoft.com/dotnet/aspnet:10.0 (runtime, non-root user "app")
# Each image is built only when missing (about 2 minutes the first time); --force builds them again.
# Prints the --build-arg options that point the Dockerfile at them.
# Needs: podman, mmdebstrap, the .NET 10 SDK (dotnet on PATH); run as root.
set -euo pipefail

PREFIX=localhost/sgops-base
BASE="${PREFIX}/debian:bookworm"
SDK="${PREFIX}/dotnet-sdk:10.0"
ASPNET="${PREFIX}/dotnet-aspnet:10.0"
APP_UID=1654
# The options every podman call here needs on machines with a hybrid cgroup layout (crun refuses it) and
# where runc cannot raise resource limits.
PODMAN=(podman --runtime runc)
BUILD_OPTS=(--network host --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)

force=false
[[ "${1:-}" == "--force" ]] && force=true

exists() { [[ "${force}" == false ]] && "${PODMAN[@]}" image exists "$1"; }

# The Debian sources this machine's apt uses, so that the images' apt reaches the same mirrors.
sources=/etc/apt/sources.list.d/debian.sources
[[ -f "${sources}" ]] || sources=/etc/apt/sources.list

work=$(mktemp -d)
trap 'rm -rf "${work}"' EXIT

if ! exists "${BASE}"; then
  echo "local-base-images: ${BASE} (mmdebstrap, Debian's packages)" >&2
  # minbase without documentation, manual pages and translations, as the slim images are.
  # Merged /usr by mmdebstrap's own hook: the usrmerge package would bring perl into the image.
  mmdebstrap --quiet --variant=minbase --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-exclude=/usr/share/info/*' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
    bookworm "${work}/base.tar" - < "${sources}"
  "${PODMAN[@]}" import --change 'CMD ["bash"]' "${work}/base.tar" "${BASE}" >/dev/null
  rm -f "${work}/base.tar"
fi

dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
runtime_version=$(ls "${dotnet_root}/shared/Microsoft.AspNetCore.App" | sort -V | tail -n 1)

# The SDK trusts what this machine trusts (its package registries may be reached through its own certificates): the
# image is made again when this machine's certificates change.
certificates=$(sha256sum /etc/ssl/certs/ca-certificates.crt | cut -d' ' -f1)
if exists "${SDK}" && [[ "$("${PODMAN[@]}" image inspect --format '{{index .Labels "sgops.certificates"}}' "${SDK}")" != "${certificates}" ]]; then
  force_sdk=true
fi
if [[ "${force_sdk:-false}" == true ]] || ! exists "${SDK}"; then
  echo "local-base-images: ${SDK} (the .NET SDK of this machine on ${BASE})" >&2
  "${PODMAN[@]}" build "${BUILD_OPTS[@]}" -v "${dotnet_root}:/host-dotnet:ro" -v /etc/ssl/certs:/host-certs:ro \
    --label "sgops.certificates=${certificates}" -t "${SDK}" -f - "${work}" >&2 <<EOF
FROM ${BASE}
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* \
 && cp /host-certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt \
 && cp -a /host-dotnet /usr/share/dotnet && ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
ENV DOTNET_ROOT=/usr/share/dotnet DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 \
    DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 NUGET_CERT_REVOCATION_MODE=offline
EOF
fi

if ! exists "${ASPNET}"; then
  echo "local-base-images: ${ASPNET} (the ASP.NET Core ${runtime_version} runtime of this machine, distroless)" >&2
  netcore_version=$(ls "${dotnet_root}/shared/Microsoft.NETCore.App" | sort -V | tail -n 1)
  # Like the chiseled images: only the libraries the runtime loads, certificates and time zones; no shell, no
  # package manager.
  "${PODMAN[@]}" build "${BUILD_OPTS[@]}" -v "${dotnet_root}:/host-dotnet:ro" -t "${ASPNET}" -f - "${work}" >&2 <<EOF
FROM ${BASE} AS rootfs
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata \\
 && mkdir -p /rootfs/usr/lib/x86_64-linux-gnu /rootfs/usr/lib64 /rootfs/usr/bin /rootfs/usr/share/dotnet/shared \\
             /rootfs/etc/ssl/certs /rootfs/tmp /rootfs/app \\
 && cd /usr/lib/x86_64-linux-gnu \\
 && cp -a ld-linux-x86-64.so.2 libc.so.6 libm.so.6 libdl.so.2 libpthread.so.0 librt.so.1 libgcc_s.so.1 \\
          libstdc++.so.6 libstdc++.so.6.0.30 libssl.so.3 libcrypto.so.3 libz.so.1 libz.so.1.2.13 /rootfs/usr/lib/x86_64-linux-gnu/ \\
 && ln -s ../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 /rootfs/usr/lib64/ld-linux-x86-64.so.2 \\
 && ln -s usr/lib /rootfs/lib && ln -s usr/lib64 /rootfs/lib64 && ln -s usr/bin /rootfs/bin \\
 && cp -a /etc/ssl/certs/ca-certificates.crt /rootfs/etc/ssl/certs/ && cp -a /usr/share/zoneinfo /rootfs/usr/share/ \\
 && printf 'root:x:0:0:root:/root:/usr/sbin/nologin\napp:x:${APP_UID}:${APP_UID}::/app:/usr/sbin/nologin\n' > /rootfs/etc/passwd \\
 && printf 'root:x:0:\napp:x:${APP_UID}:\n' > /rootfs/etc/group \\
 && chmod 1777 /rootfs/tmp \\
 && cp -a /host-dotnet/dotnet /host-dotnet/host /host-dotnet/LICENSE.txt /rootfs/usr/share/dotnet/ \\
 && mkdir -p /rootfs/usr/share/dotnet/shared/Microsoft.NETCore.App /rootfs/usr/share/dotnet/shared/Microsoft.AspNetCore.App \\
 && cp -a /host-dotnet/shared/Microsoft.NETCore.App/${netcore_version} /rootfs/usr/share/dotnet/shared/Microsoft.NETCore.App/ \\
 && cp -a /host-dotnet/shared/Microsoft.AspNetCore.App/${runtime_version} /rootfs/usr/share/dotnet/shared/Microsoft.AspNetCore.App/ \\
 && ln -s /usr/share/dotnet/dotnet /rootfs/usr/bin/dotnet
FROM scratch
COPY --from=rootfs /rootfs /
ENV APP_UID=${APP_UID} DOTNET_ROOT=/usr/share/dotnet ASPNETCORE_HTTP_PORTS=8080 DOTNET_RUNNING_IN_CONTAINER=true
USER ${APP_UID}
EOF
fi

echo "--build-arg SDK_IMAGE=${SDK} --build-arg WORKER_BASE=${ASPNET} --build-arg RUNNER_BASE=${BASE}"
