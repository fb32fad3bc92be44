/// Splits example indices into training and validation sets with the same share of each label in both.
///
/// Each label's examples are shuffled and `fraction` of them (rounded, and at least one when the label
/// has two or more examples and `fraction > 0`) go to validation. Both returned lists are in ascending
/// index order, so the split depends on the generator's seed alone, not on the input order of labels.
public func stratifiedSplit<Generator: RandomNumberGenerator>(
    labels: [Float], validationFraction fraction: Double, using generator: inout Generator
) -> (training: [Int], validation: [Int]) {
    precondition(fraction >= 0 && fraction < 1, "validation fraction must be in [0, 1)")
    guard fraction > 0 else { return (Array(labels.indices), []) }
    var byLabel: [Float: [Int]] = [:]
    for (index, label) in labels.enumerated() { byLabel[label, default: []].append(index) }
    var training: [Int] = []
    var validation: [Int] = []
    for label in byLabel.keys.sorted() {
        var members = byLabel[label]!
        members.shuffle(using: &generator)
        var take = Int((Double(members.count) * fraction).rounded())
        if take == 0 && members.count >= 2 { take = 1 }
        take = min(take, members.count - 1)
        validation += members[..<max(take, 0)]
        training += members[max(take, 0)...]
    }
    return (training.sorted(), validation.sorted())
}
