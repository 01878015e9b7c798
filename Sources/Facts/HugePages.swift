#if canImport(Glibc)
    import Glibc
#endif

/// Asks the kernel to back big, randomly read tables with 2 MiB pages (`madvise`
/// MADV_HUGEPAGE; Linux's transparent huge pages, which Debian leaves to such advice).
///
/// With 4 KiB pages, a lookup in a table of a hundred megabytes (the person index at 10
/// million registered) misses the TLB as well as the cache. Only the whole 2 MiB pages inside
/// the range are advised; a smaller range is left alone. Advice, not a demand: where the
/// kernel has no huge pages nothing changes.
enum HugePages {
    static let size = 2 << 20

    static func advise(_ start: UnsafeMutableRawPointer, bytes: Int) {
        guard let (first, length) = wholePages(start, bytes: bytes, of: size) else { return }
        _ = madvise(first, length, MADV_HUGEPAGE)
    }

    /// Gives the whole pages inside the range back to the kernel (`madvise` MADV_DONTNEED):
    /// they read as zeros if touched again. Only for memory nothing will read again.
    static func discard(_ start: UnsafeMutableRawPointer, bytes: Int) {
        guard let (first, length) = wholePages(start, bytes: bytes, of: Int(getpagesize())) else { return }
        _ = madvise(first, length, MADV_DONTNEED)
    }

    /// The pages of `page` bytes (a power of two) that lie wholly inside the range, if any.
    private static func wholePages(_ start: UnsafeMutableRawPointer, bytes: Int, of page: Int) -> (UnsafeMutableRawPointer, Int)? {
        let first = (Int(bitPattern: start) + page - 1) & ~(page - 1)
        let end = (Int(bitPattern: start) + bytes) & ~(page - 1)
        guard end > first, let p = UnsafeMutableRawPointer(bitPattern: first) else { return nil }
        return (p, end - first)
    }

    /// `count` elements of uninitialised memory, advised before any is touched.
    static func allocate<T>(_: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let p = UnsafeMutablePointer<T>.allocate(capacity: max(1, count))
        advise(UnsafeMutableRawPointer(p), bytes: count * MemoryLayout<T>.stride)
        return p
    }
}
