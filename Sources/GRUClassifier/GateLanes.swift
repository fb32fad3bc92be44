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

/// The forward pass's element-wise steps over one row, vectorised the same way.
enum ForwardLanes {
    /// `target[i] = a[i] + b[i]` for `i < count`.
    @inline(__always)
    static func add(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>,
        count: Int
    ) {
        func body<V: GateLanes>(_: V.Type, _ index: Int) {
            (V.load(a + index) + V.load(b + index)).store(target + index)
        }
        forEachLaneGroup(count: count, { body(SIMD8<Float>.self, $0) }, { body(Float.self, $0) })
    }

    /// `target[i] = a[i] · b[i]` for `i < count`.
    @inline(__always)
    static func multiply(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>,
        count: Int
    ) {
        func body<V: GateLanes>(_: V.Type, _ index: Int) {
            (V.load(a + index) * V.load(b + index)).store(target + index)
        }
        forEachLaneGroup(count: count, { body(SIMD8<Float>.self, $0) }, { body(Float.self, $0) })
    }

    /// `reset_after` candidate pre-activation: `hn = hiddenN + b_hn` (kept in `auxiliary` when recording),
    /// `target = input + r ⊙ hn`. `target` may be `hiddenN`'s own storage.
    @inline(__always)
    static func resetAfterCandidate(
        input: UnsafePointer<Float>, reset: UnsafePointer<Float>, hiddenN: UnsafePointer<Float>,
        bias: UnsafePointer<Float>, auxiliary: UnsafeMutablePointer<Float>?,
        into target: UnsafeMutablePointer<Float>,
        count: Int
    ) {
        if let auxiliary {
            func body<V: GateLanes>(_: V.Type, _ index: Int) {
                let hn = V.load(hiddenN + index) + V.load(bias + index)
                hn.store(auxiliary + index)
                (V.load(input + index) + V.load(reset + index) * hn).store(target + index)
            }
            forEachLaneGroup(count: count, { body(SIMD8<Float>.self, $0) }, { body(Float.self, $0) })
        } else {
            func body<V: GateLanes>(_: V.Type, _ index: Int) {
                let hn = V.load(hiddenN + index) + V.load(bias + index)
                (V.load(input + index) + V.load(reset + index) * hn).store(target + index)
            }
            forEachLaneGroup(count: count, { body(SIMD8<Float>.self, $0) }, { body(Float.self, $0) })
        }
    }

    /// `state = n + z ⊙ (state − n)`, i.e. `(1 − z) ⊙ n + z ⊙ state`.
    @inline(__always)
    static func interpolate(
        update z: UnsafePointer<Float>, candidate n: UnsafePointer<Float>, state: UnsafeMutablePointer<Float>,
        count: Int
    ) {
        func body<V: GateLanes>(_: V.Type, _ index: Int) {
            let candidate = V.load(n + index)
            (candidate + V.load(z + index) * (V.load(state + index) - candidate)).store(state + index)
        }
        forEachLaneGroup(count: count, { body(SIMD8<Float>.self, $0) }, { body(Float.self, $0) })
    }
}
