/// Element-wise gate arithmetic written once and run both on 8-float vectors and on single floats.
///
/// The backward gate loops read and write many separate buffers, which keeps the compiler from
/// vectorising them by itself; spelling them with `SIMD8<Float>` does, and the `Float` instance handles
/// the last `H mod 8` elements.
protocol GateLanes {
    static var laneCount: Int { get }
    static var one: Self { get }
    static func + (lhs: Self, rhs: Self) -> Self
    static func - (lhs: Self, rhs: Self) -> Self
    static func * (lhs: Self, rhs: Self) -> Self
    static func load(_ pointer: UnsafePointer<Float>) -> Self
    func store(_ pointer: UnsafeMutablePointer<Float>)
}

extension Float: GateLanes {
    static var laneCount: Int { 1 }
    static var one: Float { 1 }
    @inline(__always) static func load(_ pointer: UnsafePointer<Float>) -> Float { pointer.pointee }
    @inline(__always) func store(_ pointer: UnsafeMutablePointer<Float>) { pointer.pointee = self }
}

extension SIMD8: GateLanes where Scalar == Float {
    static var laneCount: Int { 8 }
    static var one: SIMD8<Float> { SIMD8(repeating: 1) }
    @inline(__always) static func load(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }
    @inline(__always) func store(_ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: self, as: SIMD8<Float>.self)
    }
}

/// Runs `body(index, lanes)` over `0..<count`: 8 elements at a time, then one at a time.
@inline(__always)
func forEachLaneGroup(count: Int, _ vector: (Int) -> Void, _ scalar: (Int) -> Void) {
    var index = 0
    while index + 8 <= count {
        vector(index)
        index += 8
    }
    while index < count {
        scalar(index)
        index += 1
    }
}
