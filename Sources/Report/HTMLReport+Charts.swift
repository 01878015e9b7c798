/// Colours: the Okabe-Ito palette, safe for the common colour-vision deficiencies.
enum Palette {
    static let series = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#7F7F7F", "#F0E442"]
    static let primary = "#005EB8"
    static let light = "#A9C7E8"
    static let track = "#E3E8EB"
    static let risk = ["#009E73", "#E69F00", "#D55E00"]

    static func series(_ i: Int) -> String { series[i % series.count] }
}

/// A horizontal bar chart: one row per label, each row one or more bars (grouped), each bar
/// one or more segments (stacked), optionally over a light track.
struct BarChart {
    struct Bar {
        var segments: [(value: Int, color: String)]
        /// Shown after the bar.
        var text: String
        /// Drawn first, light, as the bar's full extent (a caseload's maximum).
        var track: Int?
    }

    struct Row {
        var label: String
        var bars: [Bar]
    }

    var title: String
    var rows: [Row]
    var legend: [(label: String, color: String)] = []

    static let width = 720
    static let labelWidth = 200
    static let barHeight = 14
    static let rowGap = 8

    func svg() -> String {
        let e = HTMLReport.escape
        let scaleMax = rows.flatMap(\.bars).map { max($0.segments.reduce(0) { $0 + $1.value }, $0.track ?? 0) }.max() ?? 0
        let unit = scaleMax > 0 ? Double(HTMLReport.barArea) / Double(scaleMax) : 0
        var body = ""
        var y = 8
        // The legend, wrapped at the chart's width (about 7 pixels a character).
        if !legend.isEmpty {
            var x = 8
            for item in legend {
                let text = Self.truncate(item.label, 40)
                let w = 24 + text.count * 7
                if x + w > Self.width - 8 && x > 8 {
                    x = 8
                    y += 18
                }
                body += "<rect x=\"\(x)\" y=\"\(y + 1)\" width=\"10\" height=\"10\" fill=\"\(item.color)\"/>"
                body += "<text x=\"\(x + 14)\" y=\"\(y + 10)\">\(e(text))</text>\n"
                x += w
            }
            y += 26
        }
        for row in rows {
            let rowHeight = row.bars.count * (Self.barHeight + 2) - 2
            body +=
                "<text x=\"\(Self.labelWidth - 8)\" y=\"\(y + rowHeight / 2 + 4)\" text-anchor=\"end\">"
                + "\(e(Self.truncate(row.label, 27)))</text>\n"
            for bar in row.bars {
                if let track = bar.track, track > 0 {
                    body += rect(x: Double(Self.labelWidth), y: y, width: Double(track) * unit, color: Palette.track)
                }
                var x = Double(Self.labelWidth)
                for s in bar.segments where s.value > 0 {
                    let w = max(1, Double(s.value) * unit)
                    body += rect(x: x, y: y, width: w, color: s.color)
                    x += w
                }
                let end = max(x, bar.track.map { Double(Self.labelWidth) + Double($0) * unit } ?? 0)
                body += "<text x=\"\(HTMLReport.decimal(end + 6, places: 2, trim: true))\" y=\"\(y + 11)\">\(e(bar.text))</text>\n"
                y += Self.barHeight + 2
            }
            y += Self.rowGap - 2
        }
        let height = y + 4
        let label = title + ": " + rows.map { r in r.label + " " + r.bars.map(\.text).joined(separator: ", ") }.joined(separator: "; ")
        return """
            <svg class="chart" role="img" aria-label="\(e(label))" width="\(Self.width)" height="\(height)" \
            viewBox="0 0 \(Self.width) \(height)">
            <title>\(e(title))</title>
            <line x1="\(Self.labelWidth)" y1="0" x2="\(Self.labelWidth)" y2="\(height)" stroke="#768692" stroke-width="1"/>
            \(body)</svg>\n
            """
    }

    private func rect(x: Double, y: Int, width: Double, color: String) -> String {
        let d = { HTMLReport.decimal($0, places: 2, trim: true) }
        return "<rect x=\"\(d(x))\" y=\"\(y)\" width=\"\(d(width))\" height=\"\(Self.barHeight)\" fill=\"\(color)\"/>"
    }

    static func truncate(_ s: String, _ n: Int) -> String { s.count <= n ? s : String(s.prefix(n - 1)) + "…" }
}
