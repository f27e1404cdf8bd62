import Testing

/// Every suite that starts a server or loads BPF, nested here so they run one at
/// a time even under `swift test --filter Service` (in parallel their workloads
/// would share the CPUs and thin each other's samples). Sessions, MutualTLS and
/// Commands extend it in their own files.
@Suite(.serialized)
enum ServiceSystemTests {}
