import SSPRSystem

extension SystemPaths {
    /// `path` with the symbolic links at its end followed (at most 8), an absolute target taken under the root.
    /// Configuration files are often links (/etc/localtime to the zoneinfo, /etc/pam.d on NixOS), but files are
    /// then read with O_NOFOLLOW, and a link inside a sandbox must not lead out to the host's file.
    public func resolvingLinks(_ path: String) -> String {
        var current = path
        for _ in 0..<8 {
            guard let target = try? FileSystem.readLink(current) else { break }
            current = target.hasPrefix("/") ? self.path(target) : FileSystem.parentDirectory(of: current) + "/" + target
        }
        return current
    }
}
