import Symbolization

/// The session symbolizes through the protocol, so tests can substitute a
/// symbolizer that names raw addresses.
extension Symbolizer: AddressSymbolizer {}
