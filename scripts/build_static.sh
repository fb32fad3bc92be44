#!/usr/bin/env bash
# A self-contained release binary: scripts/build_static.sh [DESTINATION]
#
# Builds `sentiment` with Swift's standard library and Foundation linked in (--static-swift-stdlib) and
# ICU linked in from libicu-dev's static archives, so the binary runs on a machine without Swift and
# without ICU (a Spark executor, a container): it needs only glibc, libstdc++ and libgcc_s. The build
# goes to .build/static (beside the ordinary one, which it leaves alone); the binary is copied to
# DESTINATION (default .build/static/sentiment) and checked: any other shared library it needs, or a
# RUNPATH into the toolchain, fails the script. docs/spark.md says why ICU is linked rather than
# shipped beside the binary.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
destination=${1:-.build/static/sentiment}

# -licuuc finds libicuuc.so before libicuuc.a in the same directory, so the linker is pointed first at
# a directory that holds the archives alone. zlib (gzip-compressed word vectors) is linked the same way.
libdir=$(pkg-config --variable=libdir icu-uc 2>/dev/null || echo /usr/lib/"$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)")
archives=.build/static/icu-archives
mkdir -p "$archives"
for library in icuuc icui18n icudata z; do
    if [[ ! -f $libdir/lib$library.a ]]; then
        echo "build_static: $libdir/lib$library.a not found: the static archives come with libicu-dev and zlib1g-dev" >&2
        exit 1
    fi
    ln -sf "$libdir/lib$library.a" "$archives/lib$library.a"
done

# ICU's archives are given in dependency order (i18n needs uc, uc needs the data) after the package's
# own -licuuc -licui18n; -lz (from CZlib's module map) finds libz.a in the same directory.
swift build -c release --product sentiment --static-swift-stdlib --build-path .build/static \
    -Xlinker -L"$PWD/$archives" -Xlinker -licui18n -Xlinker -licuuc -Xlinker -licudata -Xlinker -lz >&2

built=.build/static/release/sentiment
mkdir -p "$(dirname "$destination")"
if [[ $built -ef $destination ]]; then :; else cp "$built" "$destination.tmp" && mv "$destination.tmp" "$destination"; fi

# Only the C and C++ runtimes of the system may remain.
unexpected=$(readelf -d "$destination" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' \
    | grep -v -E '^(libc|libm|libstdc\+\+|libgcc_s|ld-linux-x86-64|ld-linux-aarch64|libpthread|libdl|librt)\.so' || true)
if [[ -n $unexpected ]]; then
    echo "build_static: $destination still needs: $(echo $unexpected)" >&2
    exit 1
fi
if readelf -d "$destination" | grep -E 'R(UN)?PATH' | grep -q /opt/swift; then
    echo "build_static: $destination has a RUNPATH into the Swift toolchain" >&2
    exit 1
fi
echo "build_static: $destination ($(($(stat -c %s "$destination") / 1048576)) MiB; needs only" \
    "$(readelf -d "$destination" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')from the system)" >&2
