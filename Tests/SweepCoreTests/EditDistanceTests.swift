import Testing
import SweepCore
import Vocabulary

@Suite struct EditDistanceTests {
    @Test(arguments: [("adma", "adam", 1), ("sgdc", "sgd_c", 1), ("topc", "topC", 0), ("", "lr", 2),
                      ("momentum", "momentum", 0), ("kitten", "sitting", 3), ("ab", "ba", 1)])
    func distance(_ a: String, _ b: String, _ expected: Int) {
        #expect(editDistance(a, b) == expected)
        #expect(editDistance(b, a) == expected)
    }

    @Test func suggestsOnlyCloseNames() {
        let optimizers = ["sgd", "sgd_c", "adam", "adam_c", "rmsprop", "aggmo"]
        #expect(nearestName(to: "adma", among: optimizers) == "adam")
        #expect(nearestName(to: "rmsprp", among: optimizers) == "rmsprop")
        #expect(nearestName(to: "lbfgs", among: optimizers) == nil)
        #expect(nearestName(to: "adam", among: optimizers) == "adam_c" || nearestName(to: "adam", among: optimizers) == nil)
    }
}
