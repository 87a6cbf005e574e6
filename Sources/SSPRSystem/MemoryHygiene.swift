import SSPRShim

/// Process-wide memory hygiene for sspr's own programs (ssprd, sspr), never for the PAM module's host.
public enum MemoryHygiene {
    /// From now on, freed heap blocks are overwritten: secrets that passed through ordinary strings and buffers
    /// (JSON decoding, socket reads) do not stay readable in freed memory or in a core dump.
    public static func scrubFreedMemory() { sspr_scrub_freed_memory() }
}
