// The fixture loader the parameterized tests share: a missing or empty family is an error, never zero cases.
import Foundation
import Testing
import TestSupport

@Suite struct FixturesTests {
    @Test func aMissingFamilyThrows() {
        #expect(throws: FixtureError.self) { try Fixtures.names("no-such-family") }
    }

    @Test func aFamilyWithoutFilesOfTheExtensionThrows() {
        #expect(throws: FixtureError.self) { try Fixtures.names("optim", ext: "no-such-extension") }
    }

    @Test func theShippedFamiliesListTheirFilesSorted() throws {
        let names = try Fixtures.names("optim")
        #expect(names.count > 10 && names == names.sorted())
    }
}
