import PAMEntry

@c @implementation
public func sspr_module_dispatch(_ hook: Int32, _ pamh: UnsafeMutableRawPointer?, _ flags: Int32, _ argc: Int32,
                                 _ argv: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32 {
    return 25 // PAM_IGNORE
}
