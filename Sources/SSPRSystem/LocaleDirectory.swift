import Glibc

/// Where a program of sspr finds its message catalogues: `share/locale` beside the installation the running
/// executable belongs to (`PREFIX/bin/sspr` and `PREFIX/sbin/ssprd`: `../share/locale`;
/// `PREFIX/libexec/sspr/sspr-reset`: `../../share/locale`), else `/usr/share/locale`.
///
/// Why relative to the executable and not an option or the environment: the reset helper runs as root with a
/// clean environment and trusts nothing its caller says, so the only input is where root installed it; a test
/// (or a `PREFIX=/opt/sspr` install) lays out the same tree and gets its own catalogues without weakening the
/// installed one. Guarantee: a directory is used only when it and every directory above it belong to root or
/// to the running user and cannot be written by anyone else (sticky root directories like /tmp excepted), so a
/// catalogue nobody trusted cannot put words into a root process's conversation.
public enum LocaleDirectory {
    public static let system = "/usr/share/locale"

    public static func forThisProgram() -> String {
        guard let executable = resolved("/proc/self/exe") else { return system }
        return forExecutable(executable)
    }

    public static func forExecutable(_ executable: String) -> String {
        let binDirectory = FileSystem.parentDirectory(of: executable)
        for relative in ["/../share/locale", "/../../share/locale"] {
            if let candidate = resolved(binDirectory + relative), isTrusted(candidate) { return candidate }
        }
        return system
    }

    /// realpath(3): symlinks and ".." resolved; nil when the path does not exist.
    static func resolved(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    /// The directory and each one above it: owned by root or by us, and not writable by group or others
    /// (a sticky directory of root's, like /tmp, may be: nobody else can replace what is in it).
    static func isTrusted(_ directory: String) -> Bool {
        let me = geteuid()
        var path = directory
        while true {
            guard let status = try? FileSystem.status(path), status.kind == .directory else { return false }
            guard status.owner == 0 || status.owner == me else { return false }
            let sticky = status.mode & 0o1000 != 0 && status.owner == 0
            guard status.mode & 0o022 == 0 || sticky else { return false }
            if path == "/" { return true }
            path = FileSystem.parentDirectory(of: path)
        }
    }
}
