/// A minimal RFC 4180 reader for the binary's output: records end at newlines outside double
/// quotes, fields split on commas outside double quotes, `""` inside quotes means one quote.
enum CSVText {
    /// The records of `text`, which ends with a newline; a quoted field may hold newlines.
    static func lines(_ text: String) -> [String] {
        var records: [String] = []
        var current = ""
        var quoted = false
        for c in text {
            if c == "\"" { quoted.toggle() }  // `""` toggles twice: still quoted
            if c == "\n" && !quoted {
                records.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        return records
    }

    static func fields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var chars = line.makeIterator()
        var pending = chars.next()
        while let c = pending {
            pending = chars.next()
            if quoted {
                if c == "\"" {
                    if pending == "\"" {
                        current.append("\"")
                        pending = chars.next()
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        fields.append(current)
        return fields
    }

    /// Records (from ``lines(_:)``) keyed by the first record's names.
    static func records(_ lines: [String]) -> (header: [String], rows: [[String: String]]) {
        guard let first = lines.first else { return ([], []) }
        let header = fields(first)
        let rows = lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, fields(line)))
        }
        return (header, rows)
    }
}
