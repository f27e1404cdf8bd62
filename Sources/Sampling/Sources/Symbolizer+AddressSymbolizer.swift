import Profile
import Symbolization

/// The session symbolizes through the protocol, so tests can substitute a
/// symbolizer that names raw addresses.
extension Symbolizer: AddressSymbolizer {
    /// Only modules with at least 5% of their frames unresolved: a stray padding byte
    /// is no reason to alarm anyone.
    public func useMemoryBudget(_ budget: MemoryBudget) {
        memoryBudget = budget
    }

    public func unresolvedModules() -> [String] {
        statistics.unresolvedByModule(minimumShare: 0.05).prefix(3).map(\.description)
    }
}
