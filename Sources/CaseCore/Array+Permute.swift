extension Array {
    /// Rearranges the elements in place so that the element at `order[i]` comes to `i`
    /// (`order` is a permutation of the indices), following each cycle once, with no copy of
    /// the array. The swaps move elements in the array's storage: the array's own swapAt
    /// copied each element it swapped (a retain and release for each of its references).
    public mutating func permute(_ order: [Int]) {
        precondition(order.count == count, "not a permutation of the indices")
        var placed = [Bool](repeating: false, count: count)
        withUnsafeMutableBufferPointer { elements in
            for start in elements.indices where !placed[start] {
                // Walk the cycle through start: position i takes the element from order[i].
                var i = start
                placed[i] = true
                while order[i] != start {
                    elements.swapAt(i, order[i])
                    i = order[i]
                    placed[i] = true
                }
            }
        }
    }
}
