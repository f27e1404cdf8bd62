import Testing
@testable import Symbolization

/// The places searched for a separate debug file, in order.
@Suite struct DebugFileLocatorTests {
    @Test func buildIDThenDebugLinkUserRootsFirstContainerRootBeforeHost() {
        let locator = DebugFileLocator(directories: ["/srv/debug/"])
        #expect(locator.candidates(buildID: "abcdef12", debugLink: "app.debug", binaryPath: "/opt/app/bin/app",
                                   processRoot: "/proc/42/root") == [
            "/srv/debug/.build-id/ab/cdef12.debug",
            "/proc/42/root/usr/lib/debug/.build-id/ab/cdef12.debug",
            "/usr/lib/debug/.build-id/ab/cdef12.debug",
            "/proc/42/root/opt/app/bin/app.debug",
            "/proc/42/root/opt/app/bin/.debug/app.debug",
            "/opt/app/bin/app.debug",
            "/opt/app/bin/.debug/app.debug",
            "/srv/debug/opt/app/bin/app.debug",
            "/srv/debug/app.debug",
            "/proc/42/root/usr/lib/debug/opt/app/bin/app.debug",
            "/proc/42/root/usr/lib/debug/app.debug",
            "/usr/lib/debug/opt/app/bin/app.debug",
            "/usr/lib/debug/app.debug",
        ])
    }

    @Test func nothingToSearchWithoutBuildIDOrLink() {
        let locator = DebugFileLocator(directories: [])
        #expect(locator.candidates(buildID: nil, debugLink: nil, binaryPath: "/bin/true", processRoot: nil).isEmpty)
        // `.gnu_debuglink` holds a file name; one with a slash is not followed.
        #expect(locator.candidates(buildID: nil, debugLink: "../evil.debug", binaryPath: "/bin/true", processRoot: nil).isEmpty)
        #expect(locator.candidates(buildID: "12345678", debugLink: nil, binaryPath: nil, processRoot: nil) ==
                ["/usr/lib/debug/.build-id/12/345678.debug"])
    }
}
