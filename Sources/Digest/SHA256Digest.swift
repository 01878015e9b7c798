import COpenSSL

/// SHA-256 through OpenSSL's libcrypto, which uses the processor's SHA extensions where it
/// has them (about 1 GB/s here, seven times BoringSSL's portable C in swift-crypto).
/// Owns its EVP context and frees it in `deinit`; confine an instance to one thread.
public final class SHA256Digest {
    private let context: OpaquePointer

    /// libcrypto started without its exit handler. The digests of the big extracts run on
    /// their own threads, and a run that stops early (a bad header, a configuration error) exits
    /// while one may still be hashing: the handler freed libcrypto's tables under it, and the
    /// process died of a segfault instead of exiting 65. The memory is the process's to the end.
    private static let started: Bool = {
        OPENSSL_init_crypto(UInt64(OPENSSL_INIT_NO_ATEXIT), nil) == 1
    }()

    public init() {
        _ = Self.started
        context = EVP_MD_CTX_new()
        EVP_DigestInit_ex(context, EVP_sha256(), nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        EVP_DigestUpdate(context, base, bytes.count)
    }

    public func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    /// Lowercase hex of the digest.
    public func finalize() -> String {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &out, &length)
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(64)
        for b in out.prefix(Int(length)) {
            text.append(hex[Int(b >> 4)])
            text.append(hex[Int(b & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The SHA-256 of some bytes, lowercase hex.
    public static func hex(_ bytes: [UInt8]) -> String {
        let d = SHA256Digest()
        d.update(bytes)
        return d.finalize()
    }
}
