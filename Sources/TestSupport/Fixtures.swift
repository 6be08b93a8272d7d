// Shared by the test targets (not a product): where the repository and its test fixtures are, and how to
// list them. Fixture families are discovered, never listed, so a new case is a new file.
import Foundation

/// Paths inside the repository, found from this file's own location (as snapshot tests do).
public enum Repository {
    /// The repository's top folder.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TestSupport
        .deletingLastPathComponent()  // Sources
        .deletingLastPathComponent()

    /// A path relative to the repository's top folder.
    public static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }
}

/// Test fixtures under `Tests/Fixtures/<family>/`.
public enum Fixtures {
    public static let root = Repository.root.appendingPathComponent("Tests/Fixtures")

    /// The folder of one family, e.g. `"optim"`, `"models"`, `"grids/invalid"`.
    public static func folder(_ family: String) -> URL { root.appendingPathComponent(family) }

    /// File names (without extension) with the given extension in a family, sorted: directory order is
    /// not stable, and parameterized tests must list their cases in the same order every run. A missing
    /// or empty folder throws, so a moved family fails its test instead of silently running no case.
    public static func names(_ family: String, ext: String = "json") throws -> [String] {
        let path = folder(family).path
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: path) else {
            throw FixtureError("fixture folder \(path) is missing")
        }
        let names = files.filter { $0.hasSuffix("." + ext) }.map { String($0.dropLast(ext.count + 1)) }.sorted()
        guard !names.isEmpty else { throw FixtureError("fixture folder \(path) has no .\(ext) files") }
        return names
    }

    /// The URL of one fixture file.
    public static func url(_ family: String, _ name: String, ext: String = "json") -> URL {
        folder(family).appendingPathComponent(name + "." + ext)
    }

    /// A fixture parsed with Foundation (fixtures are trusted data; grids go through our own parser).
    public static func json(_ family: String, _ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: url(family, name))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw FixtureError("\(family)/\(name).json is not a JSON object")
        }
        return object
    }
}

/// A malformed fixture.
public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
