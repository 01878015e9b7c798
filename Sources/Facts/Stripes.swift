#if canImport(Glibc)
    import Glibc
#endif

/// A fixed set of mutexes, one per stripe of patients.
final class Stripes: @unchecked Sendable {
    /// The fact store's stripes: patient at spine position `p` is in stripe `p & 63`.
    static let standard = 64

    private let mutexes: UnsafeMutablePointer<pthread_mutex_t>
    private let count: Int

    init(count: Int) {
        self.count = count
        mutexes = .allocate(capacity: count)
        for i in 0..<count { pthread_mutex_init(mutexes + i, nil) }
    }

    deinit {
        for i in 0..<count { pthread_mutex_destroy(mutexes + i) }
        mutexes.deallocate()
    }

    @inline(__always) func lock(_ i: Int) { pthread_mutex_lock(mutexes + i) }
    @inline(__always) func unlock(_ i: Int) { pthread_mutex_unlock(mutexes + i) }
}
