extension Array {
    /// Rearranges the elements in place so that the element at `order[i]` comes to `i`
    /// (`order` is a permutation of the indices), following each cycle once, with no copy of
    /// the array.
    public mutating func permute(_ order: [Int]) {
        precondition(order.count == count, "not a permutation of the indices")
        var placed = [Bool](repeating: false, count: count)
        for start in indices where !placed[start] {
            // Walk the cycle through start: position i takes the element from order[i].
            var i = start
            placed[i] = true
            while order[i] != start {
                swapAt(i, order[i])
                i = order[i]
                placed[i] = true
            }
        }
    }
}
