// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import Glibc

/// Monotonic time in nanoseconds.
func nowNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Runs `body` and returns its wall time in milliseconds.
@inline(never)
func timed(_ body: () throws -> Void) rethrows -> Double {
    let start = nowNanoseconds()
    try body()
    return Double(nowNanoseconds() - start) / 1e6
}

/// Samples of one figure, in milliseconds.
struct Samples {
    var values: [Double] = []
    mutating func add(_ v: Double) { values.append(v) }

    var sorted: [Double] { values.sorted() }
    /// Nearest-rank percentile.
    func percentile(_ p: Double) -> Double {
        let s = sorted
        guard !s.isEmpty else { return .nan }
        let rank = Int((p / 100 * Double(s.count)).rounded(.up))
        return s[Swift.min(Swift.max(rank, 1), s.count) - 1]
    }
    var median: Double {
        let s = sorted
        guard !s.isEmpty else { return .nan }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
    var min: Double { sorted.first ?? .nan }
    var max: Double { sorted.last ?? .nan }
    var count: Int { values.count }
}

func ms(_ v: Double) -> String {
    if v.isNaN { return "-" }
    if v >= 100 { return String(format: "%.0f ms", v) }
    if v >= 10 { return String(format: "%.1f ms", v) }
    if v >= 1 { return String(format: "%.2f ms", v) }
    return String(format: "%.3f ms", v)
}

func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
    let n = s.count
    if n >= width { return s }
    let fill = String(repeating: " ", count: width - n)
    return right ? fill + s : s + fill
}

/// One block of the output: a title, a table of figures, notes.
struct Table {
    let title: String
    var rows: [[String]] = []
    var notes: [String] = []

    /// The tail column's percentile: p90 by default; p99 where a figure is about the slow tail of many runs.
    let tail: Double

    init(_ title: String, tail: Double = 90) {
        self.title = title
        self.tail = tail
    }

    var header: [String] { ["what", "median", "p\(Int(tail))", "min..max", "N", "target"] }

    mutating func timing(_ what: String, _ s: Samples, target: String) {
        rows.append([what, ms(s.median), ms(s.percentile(tail)), "\(ms(s.min))..\(ms(s.max))", String(s.count), target])
    }

    mutating func value(_ what: String, _ value: String, n: String = "1", target: String) {
        rows.append([what, value, "", "", n, target])
    }

    mutating func note(_ text: String) { notes.append(text) }

    func print() {
        let all = [header] + rows
        var widths = [Int](repeating: 0, count: header.count)
        for row in all { for (i, cell) in row.enumerated() { widths[i] = Swift.max(widths[i], cell.count) } }
        Swift.print("")
        Swift.print("== \(title)")
        for (r, row) in all.enumerated() {
            var line = "  "
            for (i, cell) in row.enumerated() {
                line += pad(cell, widths[i], right: i >= 1 && i <= 4) + (i + 1 < row.count ? "  " : "")
            }
            Swift.print(line)
            if r == 0 { Swift.print("  " + String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1))) }
        }
        for note in notes { Swift.print("  note: \(note)") }
        fflush(nil)
    }
}

/// Progress on stderr, so the figures on stdout stay clean.
func progress(_ text: String) {
    FileHandle.standardError.write(Data(("  [sspr-bench] " + text + "\n").utf8))
}

func fail(_ text: String) -> Never {
    FileHandle.standardError.write(Data(("sspr-bench: " + text + "\n").utf8))
    exit(1)
}

func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
}

enum SystemClockInfo {
    /// "2 CPUs, <model>" for the header.
    static func describe() -> String {
        let cpus = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        var model = "?"
        if let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
           let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
           let colon = line.firstIndex(of: ":") {
            model = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return "\(cpus) CPUs, \(model)"
    }
}
