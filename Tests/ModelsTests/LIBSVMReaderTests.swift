import Testing
import Models

@Suite struct LIBSVMReaderTests {
    @Test func parsesRowsLabelsAndComments() throws {
        let text = "+1 1:0.5 3:-2 # a comment\n\n-1\t2:1e-2  4:7\n# only a comment\n1 qid:3 4:1\r\n-1"
        let rows = try LIBSVMReader.parse(Array(text.utf8), width: 4, labels: .plusMinusOne, file: "r")
        #expect(rows.count == 4 && rows.width == 4)
        #expect(rows.labels == [1, 0, 1, 0])
        #expect(rows.rowStart == [0, 2, 4, 5, 5])
        #expect(rows.columns == [0, 2, 1, 3, 3])
        #expect(rows.values == [0.5, -2, 0.01, 7, 1])
    }

    @Test func oneBasedLabels() throws {
        let rows = try LIBSVMReader.parse(Array("1 1:1\n7 2:1\n3 1:2\n".utf8), width: 54, labels: .oneBased(classes: 7), file: "c")
        #expect(rows.labels == [0, 6, 2])
        for bad in ["0", "8", "2.5", "x"] {
            let error = try #require(throws: DataError.self) {
                try LIBSVMReader.parse(Array("1 1:1\n\(bad) 1:1\n".utf8), width: 54, labels: .oneBased(classes: 7), file: "c")
            }
            #expect(error.description == "c: line 2: label \"\(bad)\" (expected an integer from 1 to 7)")
        }
    }

    @Test(arguments: [
        ("3:abc", "index:value with a finite number as value"),
        ("x:1", "index:value with an index from 1 to 10"),
        ("0:1", "index:value with an index from 1 to 10"),
        ("11:1", "index:value with an index from 1 to 10"),
        ("4", "index:value"),
        ("2:nan", "index:value with a finite number as value"),
        ("2:", "index:value with a finite number as value"),
    ])
    func badTokenNamesLineTokenAndExpectation(token: String, expected: String) throws {
        let folder = try DatasetTestFolder()
        let path = try folder.write("rcv1_train.binary", text: "+1 1:1\n-1 \(token) 9:2\n")
        let error = try #require(throws: DataError.self) { try LIBSVMReader.read(path, width: 10, labels: .plusMinusOne) }
        #expect(error.description == path + ": line 2: bad token \"\(token)\" (expected \(expected))")
    }

    @Test func indicesMustIncrease() throws {
        let error = try #require(throws: DataError.self) {
            try LIBSVMReader.parse(Array("-1 5:1 3:2\n".utf8), width: 10, labels: .plusMinusOne, file: "r")
        }
        #expect(error.description == "r: line 1: bad token \"3:2\" (expected index:value with an index from 6 to 10 "
                + "(indices increase along a line))")
    }

    @Test func badLabelAndEmptyFile() throws {
        let error = try #require(throws: DataError.self) {
            try LIBSVMReader.parse(Array("+1 1:1\n0 1:1\n".utf8), width: 10, labels: .plusMinusOne, file: "r")
        }
        #expect(error.description == "r: line 2: label \"0\" (expected -1 or +1)")
        #expect(throws: DataError.self) { try LIBSVMReader.parse(Array("\n# nothing\n".utf8), width: 10, labels: .plusMinusOne, file: "r") }
    }
}
