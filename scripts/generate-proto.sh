#!/usr/bin/env bash
# Regenerates the Swift code for proto/profiler/v1/profiler.proto into
# Sources/Service/Generated (messages and gRPC stubs), and for pprof's
# proto/perftools/profiles/profile.proto into Sources/Pprof/Generated (messages
# only). The output is committed: building the protoc plugins
# takes about ten minutes, so a normal `swift build` never does it.
#
# protoc comes from Debian's protobuf-compiler (installed when missing); the two
# plugins are built from the Swift packages Package.swift pins (swift-protobuf's
# protoc-gen-swift, grpc-swift-protobuf's protoc-gen-grpc-swift-2), once, into
# the scratch path .build-proto (ignored by git).
set -euo pipefail

cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
SCRATCH=.build-proto
OUT=Sources/Service/Generated
PROTO_ROOT=proto
PROTOS=(profiler/v1/profiler.proto)
PPROF_OUT=Sources/Pprof/Generated
PPROF_PROTOS=(perftools/profiles/profile.proto)

if ! command -v protoc >/dev/null; then
  echo "installing protobuf-compiler (protoc)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq protobuf-compiler
fi
# protoc's own copy of the well-known types (timestamp.proto).
WKT_INCLUDE=/usr/include
[ -f "$WKT_INCLUDE/google/protobuf/timestamp.proto" ] || {
  echo "missing $WKT_INCLUDE/google/protobuf/timestamp.proto (Debian's protobuf-compiler ships it)" >&2; exit 1; }

BIN="$SCRATCH/debug"
if [ ! -x "$BIN/protoc-gen-swift" ] || [ ! -x "$BIN/protoc-gen-grpc-swift-2" ]; then
  echo "building the protoc plugins into $SCRATCH (slow, once)"
  "$SWIFT" build --scratch-path "$SCRATCH" --product protoc-gen-swift
  "$SWIFT" build --scratch-path "$SCRATCH" --product protoc-gen-grpc-swift-2
fi

mkdir -p "$OUT"
protoc --version
protoc \
  --proto_path="$PROTO_ROOT" --proto_path="$WKT_INCLUDE" \
  --plugin=protoc-gen-swift="$BIN/protoc-gen-swift" \
  --plugin=protoc-gen-grpc-swift-2="$BIN/protoc-gen-grpc-swift-2" \
  --swift_out="$OUT" --swift_opt=Visibility=Public,FileNaming=DropPath \
  --grpc-swift-2_out="$OUT" --grpc-swift-2_opt=Visibility=Public,Server=true,Client=true,FileNaming=DropPath \
  "${PROTOS[@]}"
# protoc-gen-swift falls back to Foundation where FoundationEssentials is missing; the
# shipped code never imports Foundation (make release checks), so neither branch does.
sed -i 's/^import Foundation$/import FoundationEssentials/' "$OUT/profiler.pb.swift"
ls -l "$OUT"

# pprof's messages: no services, so only protoc-gen-swift. Public, as the Pprof
# module's API hands them to tests and tools.
mkdir -p "$PPROF_OUT"
protoc \
  --proto_path="$PROTO_ROOT" \
  --plugin=protoc-gen-swift="$BIN/protoc-gen-swift" \
  --swift_out="$PPROF_OUT" --swift_opt=Visibility=Public,FileNaming=DropPath \
  "${PPROF_PROTOS[@]}"
ls -l "$PPROF_OUT"
