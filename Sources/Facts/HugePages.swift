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
        let first = (Int(bitPattern: start) + size - 1) & ~(size - 1)
        let end = (Int(bitPattern: start) + bytes) & ~(size - 1)
        guard end > first, let page = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(page, end - first, MADV_HUGEPAGE)
    }

    /// Gives the whole pages inside the range back to the kernel (`madvise` MADV_DONTNEED):
    /// they read as zeros if touched again. Only for memory nothing will read again.
    static func discard(_ start: UnsafeMutableRawPointer, bytes: Int) {
        let page = Int(getpagesize())
        let first = (Int(bitPattern: start) + page - 1) & ~(page - 1)
        let end = (Int(bitPattern: start) + bytes) & ~(page - 1)
        guard end > first, let p = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(p, end - first, MADV_DONTNEED)
    }

    /// `count` elements of uninitialised memory, advised before any is touched.
    static func allocate<T>(_: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let p = UnsafeMutablePointer<T>.allocate(capacity: max(1, count))
        advise(UnsafeMutableRawPointer(p), bytes: count * MemoryLayout<T>.stride)
        return p
    }
}
