import Foundation
import Testing
@testable import Symbolization

@Suite struct ProcessMapsTests {
    static let text = """
        00400000-00401000 r-xp 00000000 fd:01 1234                               /usr/bin/app
        55d000000000-55d000021000 rw-p 00000000 00:00 0                          [heap]
        7f0000000000-7f0000021000 r-xp 00002000 fd:01 5678                       /usr/lib/x86_64-linux-gnu/libc.so.6
        7f1000000000-7f1000001000 r-xp 00001000 00:2a 42                         /tmp/old binary (deleted)
        7f2000000000-7f2000001000 r-xs 00000000 00:01 7                          /memfd:jit code (deleted)
        7f3000000000-7f3000010000 rwxp 00000000 00:00 0 
        7f4000000000-7f4000001000 r--p 00000000 00:00 0                          [anon:dalvik]
        7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0                          [stack]
        7ffc10000000-7ffc10002000 r--p 00000000 00:00 0                          [vvar]
        7ffc10002000-7ffc10004000 r-xp 00000000 00:00 0                          [vdso]
        ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]

        """

    @Test func parsesEveryPathKind() throws {
        let maps = try ProcessMaps(parsing: Self.text)
        #expect(maps.mappings.map(\.backing) == [
            .file(path: "/usr/bin/app"),
            .heap,
            .file(path: "/usr/lib/x86_64-linux-gnu/libc.so.6"),
            .deletedFile(path: "/tmp/old binary"),
            .memfd(name: "jit code"),
            .anonymous(name: nil),
            .anonymous(name: "dalvik"),
            .stack,
            .pseudo("[vvar]"),
            .vdso,
            .vsyscall,
        ])
        let libc = maps.mappings[2]
        #expect(libc.start == 0x7f00_0000_0000 && libc.end == 0x7f00_0002_1000)
        #expect(libc.fileOffset == 0x2000)
        #expect(libc.deviceMajor == 0xfd && libc.deviceMinor == 1 && libc.inode == 5678)
        #expect(libc.permissions == .init(isReadable: true, isWritable: false, isExecutable: true, isShared: false))
        #expect(libc.moduleName == "libc.so.6")
        #expect(maps.mappings[3].moduleName == "old binary")
        #expect(maps.mappings[3].deviceMajor == 0 && maps.mappings[3].deviceMinor == 0x2a)
        #expect(maps.mappings[4].permissions.isShared)
        #expect(maps.mappings[4].moduleName == "[memfd:jit code]")
        #expect(maps.mappings[5].moduleName == "[anon]")
        #expect(maps.mappings[9].moduleName == "[vdso]")
        #expect(maps.mappings[10].start == 0xffff_ffff_ff60_0000)
    }

    @Test func findsMappingsByAddress() throws {
        let maps = try ProcessMaps(parsing: Self.text)
        #expect(maps.mapping(containing: 0x400000)?.path == "/usr/bin/app")
        #expect(maps.mapping(containing: 0x400fff)?.path == "/usr/bin/app")
        #expect(maps.mapping(containing: 0x401000) == nil)
        #expect(maps.mapping(containing: 0x3fffff) == nil)
        #expect(maps.mapping(containing: 0x7f00_0001_0000)?.moduleName == "libc.so.6")
        #expect(maps.mapping(containing: 0xffff_ffff_ff60_0800)?.backing == .vsyscall)
        #expect(maps.mapping(containing: .max) == nil)
        let executable = maps.executable
        #expect(executable.mappings.count == 7)
        #expect(executable.mapping(containing: 0x55d0_0000_0100) == nil, "the heap is not executable")
        #expect(executable.mapping(containing: 0x7ffc_1000_2010)?.backing == .vdso)
    }

    @Test func rejectsMalformedLines() {
        #expect(throws: SymbolizationError.malformedLine(path: "maps", line: 2, text: "garbage here")) {
            try ProcessMaps(parsing: "00400000-00401000 r-xp 00000000 fd:01 1234 /a\ngarbage here\n")
        }
    }

    @Test func readsOwnMapsLive() throws {
        let maps = try ProcessMaps.read(pid: getpid())
        let strlenAddress = UInt64(UInt(bitPattern: unsafeBitCast(strlen as @convention(c) (UnsafePointer<CChar>) -> Int,
                                                                   to: UnsafeRawPointer.self)))
        let mapping = try #require(maps.mapping(containing: strlenAddress))
        #expect(mapping.permissions.isExecutable)
        #expect(mapping.moduleName.hasPrefix("libc"))
        #expect(maps.mappings.contains { $0.backing == .vdso })
    }
}
