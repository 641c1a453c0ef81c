/// A horizontal bar chart drawn as inline SVG: no script, no fonts to fetch, readable in any browser or mail client.
///
/// Each category has one or more bars (one per series); values are drawn to scale against the largest value,
/// with the number written at the end of the bar. The SVG has a `viewBox` and no fixed size: the page's stylesheet
/// scales it to the width it is given (a phone's screen, a column of a desktop's grid). A label longer than the label
/// area is cut with "…"; the bar's tooltip holds it in full.
struct SVGBarChart {
    struct Series {
        var name: String
        /// A CSS colour.
        var color: String
    }

    struct Category {
        var label: String
        /// One value per series.
        var values: [Double]
        /// Written after the numbers (a status marker such as ⚠️).
        var note: String = ""
    }

    var title: String
    var series: [Series]
    var categories: [Category]
    /// Formats a value for its label.
    var format: (Double) -> String

    func render() -> String {
        let labelWidth = 175.0, chartWidth = 255.0, barHeight = 16.0, gap = 10.0
        let groupHeight = Double(series.count) * barHeight + gap
        let legendHeight = series.count > 1 ? 22.0 : 0
        let height = legendHeight + Double(categories.count) * groupHeight + 8
        let width = labelWidth + chartWidth + 90
        let largest = max(categories.flatMap(\.values).max() ?? 0, 1)
        var svg = #"<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 \#(Int(width)) \#(Int(height))" preserveAspectRatio="xMinYMin meet" aria-label="\#(xmlEscaped(title))">"#
        svg += "<title>\(xmlEscaped(title))</title>"
        if series.count > 1 {
            var x = labelWidth
            for item in series {
                svg += #"<rect x="\#(Int(x))" y="4" width="12" height="12" fill="\#(item.color)"/>"#
                svg += #"<text x="\#(Int(x) + 16)" y="14" font-size="12">\#(xmlEscaped(item.name))</text>"#
                x += 24 + Double(item.name.count) * 7
            }
        }
        for (index, category) in categories.enumerated() {
            let top = legendHeight + Double(index) * groupHeight
            let middle = top + Double(series.count) * barHeight / 2
            svg += #"<text x="\#(Int(labelWidth) - 8)" y="\#(Int(middle) + 4)" font-size="12" text-anchor="end">\#(xmlEscaped(Self.shortened(category.label)))</text>"#
            for (position, value) in category.values.enumerated() {
                let y = top + Double(position) * barHeight
                let length = max(value / largest * chartWidth, value > 0 ? 1 : 0)
                let color = series[position].color
                svg += #"<rect x="\#(Int(labelWidth))" y="\#(Int(y))" width="\#(Int(length.rounded()))" height="\#(Int(barHeight) - 3)" fill="\#(color)"><title>\#(xmlEscaped("\(category.label) — \(series[position].name): \(format(value))"))</title></rect>"#
                let note = position == category.values.count - 1 && !category.note.isEmpty ? " " + category.note : ""
                svg += #"<text x="\#(Int(labelWidth + length.rounded()) + 4)" y="\#(Int(y) + 11)" font-size="11">\#(xmlEscaped(format(value) + note))</text>"#
            }
        }
        return svg + "</svg>"
    }

    /// The longest label drawn: what fits the label area at the labels' font size.
    static let labelLength = 22

    /// `label`, cut to `labelLength` characters with "…".
    static func shortened(_ label: String) -> String {
        label.count <= labelLength ? label : String(label.prefix(labelLength - 1)) + "…"
    }
}
