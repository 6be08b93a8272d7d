// alternate_sg's epoch schedule against the `altsg_schedule` fixtures (Tests/Fixtures/altsg): the SG
// flag and restarts exactly, the lr to 1e-12 relative (the README's rule).
import Foundation
import Testing
import Optim
import TestSupport

@Suite struct AltSGScheduleTests {
    static func scheduleFixtures() -> [String] {
        ((try? Fixtures.names("altsg")) ?? []).filter { ((try? Fixtures.json("altsg", $0))?["model"] as? String) == "altsg_schedule" }
    }

    @Test func fixturesArePresent() {
        #expect(!Self.scheduleFixtures().isEmpty, "no altsg_schedule fixture in \(Fixtures.folder("altsg").path)")
    }

    @Test(arguments: scheduleFixtures())
    func matchesReference(_ name: String) throws {
        let json = try Fixtures.json("altsg", name)
        let schedules = try #require(json["schedules"] as? [[String: Any]])
        #expect(!schedules.isEmpty)
        for entry in schedules {
            let label = "\(name)/\(entry["name"] as? String ?? "?")"
            let args = try #require(entry["args"] as? [String: Any])
            let settings = AltSGSchedule.Settings(
                lr: try #require(args["lr"] as? Double), restartBase: try #require(args["restart_base"] as? [Int]),
                restartLR: args["restart_lr"] as? Bool ?? false, useSG: args["use_sg"] as? Bool ?? false,
                mixture: args["mixture"] as? Bool ?? false, whenSwitch: args["whenswitch"] as? [Int] ?? [-1])
            var schedule = try AltSGSchedule(settings)
            let epochs = try #require(entry["epoch"] as? [Int]), lrs = try #require(entry["lr"] as? [Double])
            let switchers = try #require(entry["switcher"] as? [Bool]), sgOn = try #require(entry["sg_on"] as? [Bool])
            let restarts = try #require(entry["restart"] as? [Bool]), bases = try #require(entry["switch_base"] as? [Int])
            var bad: [String] = []
            for (i, e) in epochs.enumerated() {
                let got = try schedule.beginEpoch(e)
                if abs(got.lr - lrs[i]) > 1e-12 * abs(lrs[i]) { bad.append("epoch \(e): lr \(got.lr), expected \(lrs[i])") }
                if got.switcher != switchers[i] || got.sgOn != sgOn[i] || got.restart != restarts[i] || got.switchBase != bases[i] {
                    bad.append("epoch \(e): switcher \(got.switcher) sg \(got.sgOn) restart \(got.restart) base \(got.switchBase), "
                        + "expected \(switchers[i]) \(sgOn[i]) \(restarts[i]) \(bases[i])")
                }
            }
            #expect(bad.isEmpty, "\(label): \(bad.prefix(5).joined(separator: "; "))")
        }
    }

    @Test func listOverflowIsRefused() {
        let settings = AltSGSchedule.Settings(lr: 1e-3, restartBase: [5, 10], restartLR: true)
        #expect(throws: OptimizerError.self) { try AltSGSchedule.validate(settings, epochs: 20) }
        #expect(throws: Never.self) { try AltSGSchedule.validate(settings, epochs: 10) }
    }

    @Test func resumesFromItsCodedState() throws {
        var schedule = try AltSGSchedule(.init(lr: 1e-3, restartBase: [5], restartLR: true, useSG: true, mixture: true))
        for e in 1...7 { _ = try schedule.beginEpoch(e) }
        var copy = try JSONDecoder().decode(AltSGSchedule.self, from: try JSONEncoder().encode(schedule))
        for e in 8...30 { #expect(try schedule.beginEpoch(e) == (try copy.beginEpoch(e))) }
    }
}
