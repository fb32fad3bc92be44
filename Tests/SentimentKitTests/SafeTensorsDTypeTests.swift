import Embedding
import Foundation
import GRUClassifier
import Testing

@testable import SentimentKit

/// A file assembled by hand: length field, header text, data.
private func handMadeFile(header: String, data: [UInt8]) -> Data {
    var file = Data()
    withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { file.append(contentsOf: $0) }
    file.append(contentsOf: Array(header.utf8))
    file.append(contentsOf: data)
    return file
}

private func littleEndianBytes<Value: FixedWidthInteger>(_ values: [Value]) -> [UInt8] {
    values.flatMap { value in withUnsafeBytes(of: value.littleEndian) { Array($0) } }
}

/// The message of the writer's refusal of `file`, or nil when it serialized.
private func writingError(_ file: SafeTensorsFile) -> String? {
    do {
        _ = try file.serialized()
        return nil
    } catch let error as SafeTensorsError {
        #expect(error.kind == .invalidTensorForWriting)
        return error.message
    } catch {
        return "\(error)"
    }
}

@Suite("float16 and integer tensors")
struct SafeTensorsDTypeTests {
    #if !(os(macOS) && arch(x86_64))
        @Test func everyFloat16BitPatternWidensAsSwiftsFloat16Does() {
            for pattern in UInt16.min...UInt16.max {
                let expected = Float(Float16(bitPattern: pattern))
                let widened = HalfPrecision.float(fromBits: pattern)
                if expected.isNaN {
                    #expect(widened.isNaN, "\(pattern)")
                } else {
                    #expect(
                        widened.bitPattern == expected.bitPattern, "\(pattern): \(widened) vs \(expected)")
                    // Every float16 survives the way back.
                    #expect(HalfPrecision.bits(from: widened) == pattern, "\(pattern)")
                }
            }
        }

        @Test func roundingToFloat16IsToNearestEvenAsSwiftsFloat16Is() {
            // Ties, the edges of the subnormal and normal ranges, the overflow threshold, and a spread of
            // random magnitudes over the whole float range.
            var values: [Float] = [
                0, -0.0, 0x1p-25, 0x1.8p-24, 0x1p-24, 0x1.8p-25, 0x1p-26, 0x1.ffcp-15, 0x1.ffep-15, 0x1p-14,
                1, 1 + 0x1p-11, 1 + 0x1.8p-10, 2049, 2051, 65504, 65519.996, 65520, 65536, 1e6, 3e38,
                .infinity, .leastNonzeroMagnitude, .leastNormalMagnitude,
            ]
            var generator = SplitMix64(seed: 24)
            for _ in 0..<200_000 {
                values.append(Float(bitPattern: UInt32(truncatingIfNeeded: generator.next())))
            }
            for value in values + values.map({ -$0 }) where !value.isNaN {
                let expected = Float16(value).bitPattern
                #expect(HalfPrecision.bits(from: value) == expected, "\(value)")
            }
            #expect(
                HalfPrecision.bits(from: .nan) & 0x7C00 == 0x7C00
                    && HalfPrecision.bits(from: .nan) & 0x3FF != 0)
        }
    #endif

    @Test func float16AndIntegerTensorsAreWrittenInPythonsOrderAndReadBack() throws {
        let file = SafeTensorsFile(
            tensors: [
                ("half", Tensor(shape: [2, 2], values: [1, -0.333_333, 65504, 1e-5])),
                ("single", Tensor(shape: [1], values: [0.1])),
            ],
            integerTensors: [
                ("small", IntegerTensor(shape: [3], values: [0, -1, Int64(Int32.max)])),
                ("large", IntegerTensor(shape: [2], values: [Int64.min, 1 << 40])),
            ],
            metadata: ["k": "v"], dtypes: ["half": .f16, "large": .i64])
        let bytes = try file.serialized()
        // Widest dtype first (I64, F32, I32, F16), each in its own place; the header lists them so.
        let json =
            #"{"__metadata__":{"k":"v"},"large":{"dtype":"I64","shape":[2],"data_offsets":[0,16]},"#
            + #""single":{"dtype":"F32","shape":[1],"data_offsets":[16,20]},"#
            + #""small":{"dtype":"I32","shape":[3],"data_offsets":[20,32]},"#
            + #""half":{"dtype":"F16","shape":[2,2],"data_offsets":[32,40]}}"#
        let headerLength = Int(bytes.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        #expect(String(decoding: bytes[8..<8 + json.utf8.count], as: UTF8.self) == json)
        let data = Array(bytes[(8 + headerLength)...])
        #expect(data.count == 40)
        #expect(Array(data[20..<32]) == littleEndianBytes([Int32(0), -1, .max]))
        #expect(Array(data[32..<40]) == littleEndianBytes([UInt16(0x3C00), 0xB555, 0x7BFF, 0x00A8]))

        let read = try SafeTensorsFile(data: bytes)
        #expect(read.dtypes == ["half": .f16, "single": .f32, "small": .i32, "large": .i64])
        #expect(read.integerTensor(named: "small") == file.integerTensor(named: "small"))
        #expect(read.integerTensor(named: "large")?.values == [Int64.min, 1 << 40])
        // float16 keeps 11 significant bits: the values come back rounded.
        #expect(read["half"]?.values == [1, -0.333_251_953_125, 65504, 0x1.5p-17])
        #expect(read["half"]?.shape == [2, 2])
        #expect(read["single"]?.values == [0.1])
        // Written again, it is the same file.
        #expect(try read.serialized() == bytes)
    }

    @Test func integersAreReadExactly() throws {
        let header =
            #"{"a":{"dtype":"I32","shape":[2],"data_offsets":[0,8]},"#
            + #""b":{"dtype":"I64","shape":[2],"data_offsets":[8,24]}}"#
        let data = littleEndianBytes([Int32.min, 7]) + littleEndianBytes([Int64(1 << 53) + 1, -2])
        let file = try SafeTensorsFile(data: handMadeFile(header: header, data: data))
        #expect(file.tensors.isEmpty)
        #expect(file.integerTensor(named: "a")?.values == [Int64(Int32.min), 7])
        #expect(file.integerTensor(named: "b")?.values == [(1 << 53) + 1, -2])
        #expect(file.dtype(of: "b") == .i64 && file.dtype(of: "nothing") == nil)
    }

    @Test func valuesADtypeCannotHoldAreRefusedNamingTheTensor() {
        let beyond = writingError(
            SafeTensorsFile(
                tensors: [("w", Tensor(shape: [4], values: [1, 70000, -65504.5, 65504]))], dtypes: ["w": .f16]
            ))
        #expect(
            beyond
                == "tensor 'w' holds 2 values beyond float16's range of ±65504 (the first, at element 1, is 70000.0)",
            "\(beyond ?? "")")
        let wideInteger = writingError(
            SafeTensorsFile(
                tensors: [], integerTensors: [("i", IntegerTensor(shape: [2], values: [1, 1 << 31]))]))
        #expect(wideInteger?.contains("tensor 'i' holds 2147483648 (element 1), beyond I32's range") == true)
        let floatsAsIntegers = writingError(
            SafeTensorsFile(tensors: [("f", Tensor(shape: [1], values: [1]))], dtypes: ["f": .i32]))
        #expect(
            floatsAsIntegers == "tensor 'f' cannot be written as I32 (F32 or F16 for floating-point values)")
        let integersAsFloats = writingError(
            SafeTensorsFile(
                tensors: [], integerTensors: [("i", IntegerTensor(shape: [1], values: [1]))],
                dtypes: ["i": .f16]))
        #expect(integersAsFloats == "tensor 'i' cannot be written as F16 (I32 or I64 for integers)")
        let bfloat = writingError(
            SafeTensorsFile(tensors: [("f", Tensor(shape: [1], values: [1]))], dtypes: ["f": .bf16]))
        #expect(bfloat?.contains("cannot be written as BF16") == true)
        let sameName = writingError(
            SafeTensorsFile(
                tensors: [("x", Tensor(shape: [1], values: [1]))],
                integerTensors: [("x", IntegerTensor(shape: [1], values: [1]))]))
        #expect(sameName == "two tensors are named 'x'")
        // Non-finite values are stored as they are (the model file refuses them before).
        #expect(
            writingError(
                SafeTensorsFile(
                    tensors: [("w", Tensor(shape: [2], values: [.infinity, .nan]))], dtypes: ["w": .f16]))
                == nil)
    }
}
