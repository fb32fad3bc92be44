/// One shard of a batch laid out time-major and packed, as PyTorch's `PackedSequence`.
///
/// The shard's sequences are sorted longest first, so at time step `t` the sequences still running are
/// the prefix `0..<activeCount[t]`. Row `rowOffset[t] + i` of every packed `[tokenCount × …]` buffer
/// belongs to sequence `i` (in shard order) at time `t`. No row is spent on padding: the shard holds
/// exactly `tokenCount` = sum of its lengths rows, and a sequence of length 0 has none.
struct PackedShard {
    /// Indices into the whole batch of this shard's sequences, longest first.
    private(set) var members: [Int] = []
    /// Length of each member.
    private(set) var lengths: [Int] = []
    /// For each time step, how many members are longer than it.
    private(set) var activeCount: [Int] = []
    /// For each time step, the packed row of member 0; one extra final entry equal to `tokenCount`.
    private(set) var rowOffset: [Int] = [0]
    /// Token ids in packed order.
    private(set) var tokens: [Int32] = []

    var count: Int { members.count }
    var maxLength: Int { activeCount.count }
    var tokenCount: Int { rowOffset[rowOffset.count - 1] }

    /// Lays out `batch[m]` for every `m` in `members`, which must be sorted by decreasing length.
    /// Reuses the arrays' memory from the previous batch.
    mutating func rebuild(batch: [[Int32]], members newMembers: some Sequence<Int>) {
        members.removeAll(keepingCapacity: true)
        lengths.removeAll(keepingCapacity: true)
        activeCount.removeAll(keepingCapacity: true)
        rowOffset.removeAll(keepingCapacity: true)
        tokens.removeAll(keepingCapacity: true)
        for member in newMembers {
            members.append(member)
            lengths.append(batch[member].count)
        }
        let maxLength = lengths.first ?? 0
        var active = members.count
        var offset = 0
        for time in 0..<maxLength {
            while active > 0 && lengths[active - 1] <= time { active -= 1 }
            activeCount.append(active)
            rowOffset.append(offset)
            for index in 0..<active { tokens.append(batch[members[index]][time]) }
            offset += active
        }
        rowOffset.append(offset)
    }
}
