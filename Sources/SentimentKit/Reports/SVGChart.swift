import Foundation

/// One chart of a picture: axes with ticks and labels, curves, dashed guides, bars, vertical markers and
/// a legend, drawn as plain SVG (no scripts, no external resources, fonts the viewer has).
///
/// The markup is regular so that programs (and the tests) can read it back: the plotting area is
/// `<rect class="axes">`, each curve is one `<polyline class="series" data-name="…">` (with a
/// `<circle class="point">` per point when `showsPoints`), guides are `<polyline class="reference">`,
/// bars `<rect class="bar">`, and every coordinate of them lies inside the axes.
public struct SVGChart {
    /// An axis: its label, the data range it shows and where its labelled ticks go.
    public struct Axis {
        public var label: String
        public var range: ClosedRange<Double>
        public var ticks: [Double]
        /// How a tick's value is written.
        public var format: (Double) -> String

        public init(
            label: String, range: ClosedRange<Double>, ticks: [Double]? = nil,
            format: ((Double) -> String)? = nil
        ) {
            self.label = label
            self.range = range
            self.ticks = (ticks ?? SVGChart.niceTicks(range)).filter { range.contains($0) }
            self.format = format ?? SVGChart.tickText
        }
    }

    /// A curve through `points` (data coordinates), drawn in order.
    public struct Series {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var color: String
        public var showsPoints: Bool
        public var width: Double
        /// A translucent area under the curve down to this y (nil: none).
        public var fillDownTo: Double?

        public init(
            name: String, points: [(x: Double, y: Double)], color: String, showsPoints: Bool = false,
            width: Double = 2.5, fillDownTo: Double? = nil
        ) {
            self.name = name
            self.points = points
            self.color = color
            self.showsPoints = showsPoints
            self.width = width
            self.fillDownTo = fillDownTo
        }
    }

    /// A bar from `y = 0` (or the bottom of the axis) up to `height`, between `x0` and `x1`.
    public struct Bar {
        public var x0: Double
        public var x1: Double
        public var height: Double
        public var color: String

        public init(x0: Double, x1: Double, height: Double, color: String) {
            self.x0 = x0
            self.x1 = x1
            self.height = height
            self.color = color
        }
    }

    public var title: String
    public var xAxis: Axis
    public var yAxis: Axis
    public var series: [Series] = []
    /// Dashed grey guides (the diagonal of a ROC curve, a baseline), with their legend names.
    public var references: [Series] = []
    public var bars: [Bar] = []
    /// Vertical dashed lines at x with a label (e.g. the kept epoch).
    public var markers: [(x: Double, label: String)] = []
    /// Figures shown in the legend after the curves' names (e.g. "AUC 0.9321").
    public var notes: [String] = []

    public init(title: String, xAxis: Axis, yAxis: Axis) {
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
    }

    // MARK: Rendering

    /// A standalone SVG document of `charts` laid out in a grid of `columns`, each `cellWidth` ×
    /// `cellHeight` pixels.
    public static func document(
        _ charts: [SVGChart], columns: Int = 1, cellWidth: Double = 640, cellHeight: Double = 460
    ) -> String {
        let rows = (charts.count + columns - 1) / columns
        let width = cellWidth * Double(columns)
        let height = cellHeight * Double(rows)
        var svg = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(number(width))" height="\(number(height))" \
            viewBox="0 0 \(number(width)) \(number(height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" \
            font-size="14">
            <rect width="100%" height="100%" fill="#ffffff"/>

            """
        for (index, chart) in charts.enumerated() {
            let originX = cellWidth * Double(index % columns)
            let originY = cellHeight * Double(index / columns)
            svg += chart.render(x: originX, y: originY, width: cellWidth, height: cellHeight)
        }
        return svg + "</svg>\n"
    }

    /// The chart as a `<g class="panel">` filling the given cell.
    func render(x originX: Double, y originY: Double, width: Double, height: Double) -> String {
        let left = originX + 78
        let right = originX + width - 24
        // The legend has rows of its own between the title and the axes, so it never hides a curve.
        let legendRows = legendLayout(width: right - left)
        let top = originY + 44 + Double(legendRows.count) * 20 + 6
        let bottom = originY + height - 62
        let frame = Frame(left: left, right: right, top: top, bottom: bottom, x: xAxis.range, y: yAxis.range)
        var svg = "<g class=\"panel\">\n"
        svg += "<text class=\"title\" x=\"\(number((left + right) / 2))\" y=\"\(number(originY + 28))\" "
        svg += "text-anchor=\"middle\" font-size=\"17\" font-weight=\"bold\">\(escape(title))</text>\n"
        // Grid and ticks.
        for tick in xAxis.ticks {
            let x = frame.x(tick)
            svg += "<line class=\"grid\" x1=\"\(number(x))\" y1=\"\(number(top))\" x2=\"\(number(x))\" "
            svg += "y2=\"\(number(bottom))\" stroke=\"#e6e6e6\"/>\n"
            svg +=
                "<text class=\"tick\" x=\"\(number(x))\" y=\"\(number(bottom + 20))\" text-anchor=\"middle\" "
            svg += "fill=\"#444\">\(escape(xAxis.format(tick)))</text>\n"
        }
        for tick in yAxis.ticks {
            let y = frame.y(tick)
            svg += "<line class=\"grid\" x1=\"\(number(left))\" y1=\"\(number(y))\" x2=\"\(number(right))\" "
            svg += "y2=\"\(number(y))\" stroke=\"#e6e6e6\"/>\n"
            svg +=
                "<text class=\"tick\" x=\"\(number(left - 8))\" y=\"\(number(y + 5))\" text-anchor=\"end\" "
            svg += "fill=\"#444\">\(escape(yAxis.format(tick)))</text>\n"
        }
        svg +=
            "<rect class=\"axes\" x=\"\(number(left))\" y=\"\(number(top))\" width=\"\(number(right - left))\" "
        svg += "height=\"\(number(bottom - top))\" fill=\"none\" stroke=\"#333\"/>\n"
        svg += "<text class=\"x-label\" x=\"\(number((left + right) / 2))\" y=\"\(number(bottom + 46))\" "
        svg += "text-anchor=\"middle\" font-size=\"15\">\(escape(xAxis.label))</text>\n"
        let labelY = (top + bottom) / 2
        svg +=
            "<text class=\"y-label\" x=\"\(number(originX + 20))\" y=\"\(number(labelY))\" text-anchor=\"middle\" "
        svg += "font-size=\"15\" transform=\"rotate(-90 \(number(originX + 20)) \(number(labelY)))\">"
        svg += "\(escape(yAxis.label))</text>\n"

        for bar in bars {
            let x0 = frame.x(bar.x0)
            let x1 = frame.x(bar.x1)
            let y = frame.y(bar.height)
            let base = frame.y(max(yAxis.range.lowerBound, 0))
            svg += "<rect class=\"bar\" x=\"\(number(min(x0, x1)))\" y=\"\(number(min(y, base)))\" "
            svg +=
                "width=\"\(number(abs(x1 - x0)))\" height=\"\(number(abs(base - y)))\" fill=\"\(bar.color)\"/>\n"
        }
        for reference in references {
            svg += "<polyline class=\"reference\" data-name=\"\(escape(reference.name))\" points=\""
            svg += frame.points(reference.points) + "\" fill=\"none\" stroke=\"\(reference.color)\" "
            svg += "stroke-width=\"1.5\" stroke-dasharray=\"6 5\"/>\n"
        }
        for marker in markers {
            let x = frame.x(marker.x)
            svg += "<line class=\"marker\" x1=\"\(number(x))\" y1=\"\(number(top))\" x2=\"\(number(x))\" "
            svg +=
                "y2=\"\(number(bottom))\" stroke=\"#7b3294\" stroke-width=\"1.5\" stroke-dasharray=\"3 3\"/>\n"
            let anchor = x > (left + right) / 2 ? "end" : "start"
            let labelX = x + (anchor == "end" ? -5 : 5)
            svg += "<text class=\"marker-label\" x=\"\(number(labelX))\" y=\"\(number(bottom - 8))\" "
            svg +=
                "text-anchor=\"\(anchor)\" fill=\"#7b3294\" font-size=\"13\">\(escape(marker.label))</text>\n"
        }
        for series in self.series {
            if let floor = series.fillDownTo, let first = series.points.first, let last = series.points.last {
                let area = [(first.x, floor)] + series.points + [(last.x, floor)]
                svg += "<polygon class=\"fill\" points=\"\(frame.points(area))\" fill=\"\(series.color)\" "
                svg += "fill-opacity=\"0.15\" stroke=\"none\"/>\n"
            }
            let thinned = frame.thinned(series.points)
            svg += "<polyline class=\"series\" data-name=\"\(escape(series.name))\" points=\""
            svg += frame.points(thinned) + "\" fill=\"none\" stroke=\"\(series.color)\" "
            svg += "stroke-width=\"\(number(series.width))\" stroke-linejoin=\"round\"/>\n"
            if series.showsPoints {
                for point in series.points {
                    svg += "<circle class=\"point\" data-name=\"\(escape(series.name))\" "
                    svg += "cx=\"\(number(frame.x(point.x)))\" cy=\"\(number(frame.y(point.y)))\" r=\"4\" "
                    svg += "fill=\"\(series.color)\"/>\n"
                }
            }
        }
        svg += legend(legendRows, left: left, top: originY + 44)
        return svg + "</g>\n"
    }

    /// One entry of the legend: a curve's or guide's name with its line, or a figure.
    private enum LegendItem {
        case line(name: String, color: String, dashed: Bool)
        case note(String)

        /// Its width in pixels, estimated from its length (about 8 px a character at 14 px).
        var width: Double {
            switch self {
            case .line(let name, _, _): 34 + Double(name.count) * 8 + 18
            case .note(let text): Double(text.count) * 8.5 + 18
            }
        }
    }

    /// The legend's entries in rows that fit `width`.
    private func legendLayout(width: Double) -> [[LegendItem]] {
        let items =
            series.map { LegendItem.line(name: $0.name, color: $0.color, dashed: false) }
            + references.map { LegendItem.line(name: $0.name, color: $0.color, dashed: true) }
            + notes.map { LegendItem.note($0) }
        var rows: [[LegendItem]] = []
        var used = Double.infinity
        for item in items {
            if used + item.width > width {
                rows.append([])
                used = 0
            }
            rows[rows.count - 1].append(item)
            used += item.width
        }
        return rows
    }

    /// The legend's rows, from (`left`, `top`).
    private func legend(_ rows: [[LegendItem]], left: Double, top: Double) -> String {
        guard !rows.isEmpty else { return "" }
        var svg = "<g class=\"legend\">\n"
        for (index, row) in rows.enumerated() {
            let y = top + 15 + Double(index) * 20
            var x = left
            for item in row {
                switch item {
                case .line(let name, let color, let dashed):
                    svg += "<line x1=\"\(number(x))\" y1=\"\(number(y - 5))\" x2=\"\(number(x + 26))\" "
                    svg += "y2=\"\(number(y - 5))\" stroke=\"\(color)\" stroke-width=\"\(dashed ? 1.5 : 3)\""
                    svg += dashed ? " stroke-dasharray=\"6 5\"/>\n" : "/>\n"
                    svg += "<text x=\"\(number(x + 32))\" y=\"\(number(y))\">\(escape(name))</text>\n"
                case .note(let text):
                    svg += "<text class=\"note\" x=\"\(number(x))\" y=\"\(number(y))\" font-weight=\"bold\">"
                    svg += "\(escape(text))</text>\n"
                }
                x += item.width
            }
        }
        return svg + "</g>\n"
    }

    /// Data → pixel coordinates of one chart.
    struct Frame {
        let left: Double
        let right: Double
        let top: Double
        let bottom: Double
        let x: ClosedRange<Double>
        let y: ClosedRange<Double>

        func x(_ value: Double) -> Double {
            let span = x.upperBound - x.lowerBound
            let t = span > 0 ? (value - x.lowerBound) / span : 0.5
            return left + t * (right - left)
        }

        func y(_ value: Double) -> Double {
            let span = y.upperBound - y.lowerBound
            let t = span > 0 ? (value - y.lowerBound) / span : 0.5
            return bottom - t * (bottom - top)
        }

        func points(_ points: [(x: Double, y: Double)]) -> String {
            points.map { "\(number(x($0.x))),\(number(y($0.y)))" }.joined(separator: " ")
        }

        /// The points without those less than half a pixel from the last one kept (the last point always
        /// stays): a curve of 25,000 thresholds draws the same with a few hundred.
        func thinned(_ points: [(x: Double, y: Double)]) -> [(x: Double, y: Double)] {
            guard points.count > 2 else { return points }
            var kept = [points[0]]
            for point in points.dropFirst().dropLast() {
                let last = kept[kept.count - 1]
                if abs(x(point.x) - x(last.x)) >= 0.5 || abs(y(point.y) - y(last.y)) >= 0.5 {
                    kept.append(point)
                }
            }
            kept.append(points[points.count - 1])
            return kept
        }
    }

    // MARK: Helpers

    /// About five round tick values covering `range` (steps of 1, 2 or 5 times a power of ten).
    public static func niceTicks(_ range: ClosedRange<Double>, count: Int = 5) -> [Double] {
        let span = range.upperBound - range.lowerBound
        guard span > 0, span.isFinite else { return [range.lowerBound] }
        let rough = span / Double(count)
        let magnitude = pow(10, floor(log10(rough)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        // Multiples of the step, each computed afresh (no accumulated rounding) and rounded to its digits.
        let first = Int(ceil(range.lowerBound / step - 1e-9))
        let last = Int(floor(range.upperBound / step + 1e-9))
        guard first <= last else { return [range.lowerBound] }
        let digits = max(0, -Int(floor(log10(step))) + 1)
        let scale = pow(10, Double(digits))
        return (first...last).map { ((Double($0) * step) * scale).rounded() / scale }
    }

    /// A tick value with as few digits as it needs (0, 0.25, 1.5, 10).
    public static func tickText(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e6 { return String(Int(value)) }
        var text = String(format: "%.3f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

}

/// A coordinate with at most two decimals.
private func number(_ value: Double) -> String {
    let rounded = (value * 100).rounded() / 100
    if rounded == rounded.rounded() { return String(Int(rounded)) }
    return String(format: "%.2f", rounded)
}

/// `text` with the characters XML gives a meaning escaped.
private func escape(_ text: String) -> String { ExplanationPage.escape(text) }
