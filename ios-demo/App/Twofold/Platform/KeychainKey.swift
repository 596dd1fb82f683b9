import Foundation
import Security
import TwofoldKit

/// The database key in the Keychain: 32 random bytes made on first launch, readable only on
/// this device and only after its first unlock (so background sync works while locked, and the
/// key never goes to a backup or another phone). Glue only: no decisions beyond "make it once,
/// delete it on erase".
struct KeychainKey: KeyProvider {
    let service = "org.twofold.app.database-key"

    func databaseKey() throws -> Data {
        if let existing = try read() { return existing }
        var bytes = Data(count: 32)
        let status = bytes.withUnsafeMutableBytes { SecRandomCopyBytes(kSecRandomDefault, 32, $0.baseAddress!) }
        guard status == errSecSuccess else { throw KeychainError(status: status) }
        try save(bytes)
        return bytes
    }

    /// Deletes the Keychain item after "delete everything" erased the store: no copy of the old
    /// files can be opened again, and the next `databaseKey()` makes a new key.
    func deleteKey() throws {
        let query: [CFString: Any] = [kSecClass: kSecClassGenericPassword, kSecAttrService: service]
        let status = SecItemDelete(query as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else { throw KeychainError(status: status) }
    }

    private func read() throws -> Data? {
        var result: CFTypeRef?
        let query: [CFString: Any] = [
            kSecClass: kSecClassGenericPassword, kSecAttrService: service,
            kSecReturnData: true, kSecMatchLimit: kSecMatchLimitOne,
        ]
        let status = SecItemCopyMatching(query as CFDictionary, &result)
        if status == errSecItemNotFound { return nil }
        guard status == errSecSuccess else { throw KeychainError(status: status) }
        return result as? Data
    }

    private func save(_ key: Data) throws {
        let item: [CFString: Any] = [
            kSecClass: kSecClassGenericPassword, kSecAttrService: service, kSecValueData: key,
            kSecAttrAccessible: kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly,
        ]
        let status = SecItemAdd(item as CFDictionary, nil)
        guard status == errSecSuccess else { throw KeychainError(status: status) }
    }
}

struct KeychainError: Error {
    let status: OSStatus
}
