import Testing
import Models

@Suite struct CSVTableTests {
    @Test func readsRequestedColumnsInRequestedOrder() throws {
        let text = "\u{FEFF}id,date,\"x y\", z ,w\r\n1,2011-01-01,0.5,-3,7\r\n\r\n2,\"a, b\",\"1e-3\",4,+8\n"
        let (rows, values) = try CSVTable.parse(Array(text.utf8), columns: ["z", "x y", "id"], file: "t.csv")
        #expect(rows == 2)
        #expect(values == [-3, 0.5, 1, 4, 0.001, 2])
    }

    @Test func lastLineWithoutLineBreak() throws {
        let (rows, values) = try CSVTable.parse(Array("a,b\n1,2\n3,4".utf8), columns: ["b"], file: "t.csv")
        #expect(rows == 2 && values == [2, 4])
    }

    @Test func missingColumnListsTheHeader() throws {
        let folder = try DatasetTestFolder()
        let path = try folder.write("hour.csv", text: "instant,dteday,season,cnt\n1,2011-01-01,1,16\n")
        let error = try #require(throws: DataError.self) { try CSVTable.read(path, columns: ["season", "windspeed"]) }
        #expect(error.problem == .missingColumn(column: "windspeed", header: ["instant", "dteday", "season", "cnt"]))
        #expect(error.description == path + ": no column \"windspeed\" (header has: instant, dteday, season, cnt)")
    }

    @Test func badNumberNamesLineAndColumn() throws {
        let error = try #require(throws: DataError.self) {
            try CSVTable.parse(Array("a,b\n1,2\n3,x4\n".utf8), columns: ["a", "b"], file: "t.csv")
        }
        #expect(error.description == "t.csv: line 3, column \"b\": \"x4\" is not a finite number")
        for bad in ["", "nan", "inf", "1.5.2", "0x", "1e999", " ", "--1", "1 2"] {
            let error = try #require(throws: DataError.self) {
                try CSVTable.parse(Array("a,b\n\(bad),1\n".utf8), columns: ["a"], file: "t")
            }
            guard case .badNumber(line: 2, column: "a", text: _) = error.problem else { Issue.record("\(bad): \(error)"); continue }
        }
    }

    @Test func wrongFieldCount() throws {
        let error = try #require(throws: DataError.self) {
            try CSVTable.parse(Array("a,b,c\n1,2,3\n4,5\n".utf8), columns: ["a"], file: "t.csv")
        }
        #expect(error.description == "t.csv: line 3: 2 fields, expected 3 as in the header")
    }

    @Test func unterminatedQuote() throws {
        let error = try #require(throws: DataError.self) {
            try CSVTable.parse(Array("a,b\n1,\"2\n".utf8), columns: ["a"], file: "t.csv")
        }
        #expect(error.description == "t.csv: line 2: bad token \"\"2\" (expected a closing quote on the same line)")
    }

    @Test func headerOnlyIsEmpty() throws {
        let error = try #require(throws: DataError.self) { try CSVTable.parse(Array("a,b\n".utf8), columns: ["a"], file: "t.csv") }
        #expect(error.description == "t.csv: the CSV table (a header and no rows) is empty")
        #expect(throws: DataError.self) { try CSVTable.parse([], columns: ["a"], file: "t.csv") }
    }
}
