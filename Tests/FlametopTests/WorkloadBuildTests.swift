import TestSupport
import Testing

@Test(arguments: [false, true])
func groundTruthWorkloadBuilds(pie: Bool) throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let executable = try GroundTruthWorkload.build(in: directory, pie: pie)
    let result = try Command.run([executable, "1"], timeout: 10)
    #expect(result.status == 0)
    #expect(result.stdout.hasPrefix("ready\nrounds "))
}
