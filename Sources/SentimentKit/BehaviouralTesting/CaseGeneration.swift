import Embedding

/// A case of a behavioural test: one text (minimum functionality), or a base text and its variant
/// (invariance, directional).
public struct GeneratedCase: Sendable, Hashable {
    public var text: String
    public var variant: String?

    public init(text: String, variant: String? = nil) {
        self.text = text
        self.variant = variant
    }

    /// The text, and the variant when there is one.
    public var texts: [String] { [text] + (variant.map { [$0] } ?? []) }
}

extension BehaviouralSuite {
    /// The cases of `test`, from the lexicons of its language and half.
    ///
    /// Each template (or base–variant pair) is filled with every combination of its placeholders' words,
    /// different draws of one lexicon (`{name}`, `{name:2}`) taking different words. When the templates
    /// allow more than `test.maxCases` combinations, `maxCases` are shared out evenly between them (a
    /// template with fewer combinations than its share gives the rest to the others), and a template
    /// with more than its share gives a sample fixed by `test.seed`. A text generated twice counts once.
    public func cases(of test: SuiteTest) -> [GeneratedCase] {
        let expansions = test.frames.map { FrameExpansion(frame: $0, suite: self, test: test) }
        var quotas = [Int](repeating: 0, count: expansions.count)
        var remaining = test.maxCases
        for (position, index) in expansions.indices.sorted(by: {
            (expansions[$0].capacity, $0) < (expansions[$1].capacity, $1)
        }).enumerated() {
            let share = remaining / (expansions.count - position)
            quotas[index] = min(expansions[index].capacity, share)
            remaining -= quotas[index]
        }
        var seen = Set<GeneratedCase>()
        var cases: [GeneratedCase] = []
        for (index, expansion) in expansions.enumerated() {
            var generator = SplitMix64(
                seed: SplitMix64.mix(test.seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15))
            for generated in expansion.cases(count: quotas[index], using: &generator)
            where seen.insert(generated).inserted {
                cases.append(generated)
            }
        }
        return cases
    }
}

/// The combinations of one template's (or pair's) placeholders.
private struct FrameExpansion {
    /// A lexicon the frame draws from, and the draw numbers it uses (`{name}` is 1, `{name:2}` is 2).
    struct Slot {
        var lexicon: String
        var draws: [Int]
        var words: [LexiconWord]
    }

    let frame: SuiteTest.Frame
    let slots: [Slot]
    /// How many different fillings there are (saturating at `Int.max`).
    let capacity: Int

    init(frame: SuiteTest.Frame, suite: BehaviouralSuite, test: SuiteTest) {
        self.frame = frame
        var draws: [String: Set<Int>] = [:]
        var order: [String] = []
        for placeholder in frame.placeholders {
            if draws[placeholder.lexicon] == nil { order.append(placeholder.lexicon) }
            draws[placeholder.lexicon, default: []].insert(placeholder.draw)
        }
        slots = order.map {
            Slot(lexicon: $0, draws: draws[$0]!.sorted(), words: suite.words(for: $0, of: test))
        }
        var capacity = 1
        for slot in slots {
            // Ordered choices of distinct words: n · (n − 1) · … for the slot's draws.
            for taken in slot.draws.indices {
                let (product, overflow) = capacity.multipliedReportingOverflow(
                    by: max(0, slot.words.count - taken))
                capacity = overflow ? Int.max : product
            }
        }
        self.capacity = capacity
    }

    /// `count` cases: all of them, in order, when there are no more; else a random sample.
    func cases(count: Int, using generator: inout SplitMix64) -> [GeneratedCase] {
        guard count > 0 else { return [] }
        if capacity <= count {
            var all: [GeneratedCase] = []
            enumerate(slot: 0, chosen: [], into: &all)
            return all
        }
        var seen = Set<[Int]>()
        var sample: [GeneratedCase] = []
        // Rejection of repeats ends fast while the sample is well below the capacity; the bound on the
        // attempts keeps a pathological case (nearly all combinations wanted) finite.
        var attempts = 0
        while sample.count < count && attempts < 50 * count + 1000 {
            attempts += 1
            var chosen: [Int] = []
            for slot in slots {
                var picked: [Int] = []
                while picked.count < slot.draws.count {
                    let index = Int(generator.next() % UInt64(slot.words.count))
                    if !picked.contains(index) { picked.append(index) }
                }
                chosen += picked
            }
            if seen.insert(chosen).inserted { sample.append(render(chosen)) }
        }
        return sample
    }

    /// Every filling from `slot` on, `chosen` holding the word indices picked for the slots before.
    private func enumerate(slot: Int, chosen: [Int], into cases: inout [GeneratedCase]) {
        guard slot < slots.count else {
            cases.append(render(chosen))
            return
        }
        permutations(of: slots[slot].words.count, length: slots[slot].draws.count, prefix: []) {
            enumerate(slot: slot + 1, chosen: chosen + $0, into: &cases)
        }
    }

    /// Calls `body` with every ordered choice of `length` distinct indices below `count`.
    private func permutations(of count: Int, length: Int, prefix: [Int], _ body: ([Int]) -> Void) {
        guard prefix.count < length else { return body(prefix) }
        for index in 0..<count where !prefix.contains(index) {
            permutations(of: count, length: length, prefix: prefix + [index], body)
        }
    }

    /// The case with the word indices `chosen` (the slots' draws in order).
    private func render(_ chosen: [Int]) -> GeneratedCase {
        var words: [String: LexiconWord] = [:]
        var position = 0
        for slot in slots {
            for draw in slot.draws {
                words["\(slot.lexicon):\(draw)"] = slot.words[chosen[position]]
                position += 1
            }
        }
        let fill = { (placeholder: SuiteTemplate.Placeholder) -> String in
            // The suite checked every placeholder's lexicon and field when it read the test.
            words["\(placeholder.lexicon):\(placeholder.draw)"]?.value(field: placeholder.field)
                ?? placeholder.written
        }
        return GeneratedCase(text: frame.base.render(fill), variant: frame.variant?.render(fill))
    }
}
