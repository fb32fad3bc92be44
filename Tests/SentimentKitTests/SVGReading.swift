import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// An SVG picture read back with Foundation's XML parser: per panel, its axes rectangle, curves, guides,
/// points, bars and texts, in pixel coordinates.
struct SVGPicture {
    struct Panel {
        var axes: (x: Double, y: Double, width: Double, height: Double)
        var series: [(name: String, points: [(x: Double, y: Double)])] = []
        var references: [(name: String, points: [(x: Double, y: Double)])] = []
        var circles: [(name: String, x: Double, y: Double)] = []
        var bars: [(x: Double, y: Double, width: Double, height: Double)] = []
        var markers: [Double] = []
        var texts: [String] = []

        /// Whether a pixel lies inside the axes (with a rounding margin).
        func contains(_ x: Double, _ y: Double) -> Bool {
            x >= axes.x - 0.02 && x <= axes.x + axes.width + 0.02 && y >= axes.y - 0.02
                && y <= axes.y + axes.height + 0.02
        }

        /// Pixel → data coordinates for axes showing `xRange` × `yRange`.
        func data(
            _ point: (x: Double, y: Double), x xRange: ClosedRange<Double>, y yRange: ClosedRange<Double>
        )
            -> (x: Double, y: Double)
        {
            (
                xRange.lowerBound + (point.x - axes.x) / axes.width * (xRange.upperBound - xRange.lowerBound),
                yRange.lowerBound + (axes.y + axes.height - point.y) / axes.height
                    * (yRange.upperBound - yRange.lowerBound)
            )
        }
    }

    var width: Double
    var height: Double
    var panels: [Panel]

    init(_ text: String) throws {
        let document = try XMLDocument(data: Data(text.utf8))
        // The nodes live in the document's tree: keep the document until the last node is read (Swift may
        // otherwise release it right after its last use, and the tree with it).
        (width, height, panels) = try withExtendedLifetime(document) {
            let root = try #require(document.rootElement())
            guard root.name == "svg" else { throw NotSVG(name: root.name ?? "") }
            return (
                Self.number(root, "width"), Self.number(root, "height"),
                try (root.children ?? []).compactMap { $0 as? XMLElement }
                    .filter { $0.name == "g" && Self.attribute($0, "class") == "panel" }.map(Self.panel)
            )
        }
    }

    struct NotSVG: Error { var name: String }

    /// The value of an attribute, looked up in `attributes` (on Linux, `attribute(forName:)` finds none
    /// in a document with a default namespace, as SVG files have).
    private static func attribute(_ element: XMLElement, _ name: String) -> String? {
        element.attributes?.first { $0.name == name }?.stringValue
    }

    private static func number(_ element: XMLElement, _ name: String) -> Double {
        Double(attribute(element, name) ?? "") ?? .nan
    }

    private static func points(_ element: XMLElement) -> [(x: Double, y: Double)] {
        (attribute(element, "points") ?? "").split(separator: " ").map { pair in
            let values = pair.split(separator: ",").map { Double($0) ?? .nan }
            return (values[0], values[1])
        }
    }

    private static func panel(_ group: XMLElement) throws -> Panel {
        let children = group.children?.compactMap { $0 as? XMLElement } ?? []
        let axes = try #require(children.first { attribute($0, "class") == "axes" })
        var panel = Panel(
            axes: (number(axes, "x"), number(axes, "y"), number(axes, "width"), number(axes, "height")))
        func visit(_ element: XMLElement) {
            let kind = attribute(element, "class")
            let name = attribute(element, "data-name") ?? ""
            switch (element.name, kind) {
            case ("polyline", "series"): panel.series.append((name, points(element)))
            case ("polyline", "reference"): panel.references.append((name, points(element)))
            case ("circle", "point"):
                panel.circles.append((name, number(element, "cx"), number(element, "cy")))
            case ("rect", "bar"):
                panel.bars.append(
                    (
                        number(element, "x"), number(element, "y"), number(element, "width"),
                        number(element, "height")
                    ))
            case ("line", "marker"): panel.markers.append(number(element, "x1"))
            case ("text", _): panel.texts.append(element.stringValue ?? "")
            default: break
            }
            for child in element.children?.compactMap({ $0 as? XMLElement }) ?? [] { visit(child) }
        }
        for child in children { visit(child) }
        return panel
    }
}
