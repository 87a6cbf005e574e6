// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRCore
import SSPRResetProtocol
import SSPRSystem

/// One run of the helper: read the request from descriptor 3, answer it, send the result, exit.
///
///     sspr-reset                       started by pam_sspr.so (descriptor 3: its socketpair)
///     sspr-reset --peer [--root DIR]   a connection to the reset socket (descriptor 3), from systemd's
///                                      sspr-reset.socket (Accept=yes) or from ssprd --reset-socket
struct ResetHelper {
    static let socketDescriptor: Int32 = 3
    static let startTimeoutMilliseconds: Int64 = 30 * 1000
    /// pam_sspr.so sends its request right after connecting; only a caller that holds connections idles here.
    static let userPeerStartTimeoutMilliseconds: Int64 = 5 * 1000

    let peerMode: Bool
    let root: String?

    /// Exit status: 0 when a result was delivered (whatever it was), 1 otherwise.
    func run() -> Int32 {
        guard StreamSocket.isUnixStream(ResetHelper.socketDescriptor) else {
            Syslog.write(.error, "descriptor 3 is not a unix stream socket: started by hand? nothing done")
            return 1
        }
        let socket = StreamSocket(fd: ResetHelper.socketDescriptor)
        let channel = ProtocolChannel(socket: socket)
        let trust: CallerTrust
        if peerMode {
            guard let uid = try? socket.peerUID() else { return 1 }
            trust = uid == 0 ? .rootPeer : .userPeer(uid: uid)
        } else {
            trust = .module
        }
        if case .userPeer(let uid) = trust {
            switch PeerSlots.take(uid: uid, paths: SystemPaths(root: root)) {
            case .held: break
            case .full:
                Syslog.write(.warning, "reset socket: uid \(uid) has \(HelperLauncher.defaultPerUser) resets running; connection refused")
                return 1
            case .unchecked(let why):
                Syslog.write(.warning, "reset socket: per-user limit not checked (\(why))")
            }
        }
        let request: ResetRequest
        do {
            // A user peer that connects and says nothing holds a root process: it gets a few seconds, not 30.
            let deadline = trust.requiredUID == nil ? ResetHelper.startTimeoutMilliseconds : ResetHelper.userPeerStartTimeoutMilliseconds
            var frame = try channel.receive(timeoutMilliseconds: deadline)
            defer { frame.wipe() }
            request = try ResetRequest(frame: frame)
        } catch {
            Syslog.write(.error, "request refused: \(error)")
            return 1
        }
        // The helper's environment is clean, so the application's language comes with the request (its
        // LC_MESSAGES, a plain name: never a path). Not installed here: the conversation stays English.
        if !Translation.use(locale: request.locale) && request.locale != "C" && request.locale != "POSIX" {
            Syslog.write(.debug, "locale \(request.locale) is not installed here; messages in English")
        }
        // A caller that is not root chose its own module arguments (pam_start_confdir): none are believed.
        var options = HelperOptions(trust.requiredUID == nil ? request.arguments : [])
        if trust.requiredUID != nil || (peerMode && options.root == nil) { options.root = root }
        let conversation = ProtocolConversation(channel: channel, service: request.service ?? "(none)", debug: options.debug)
        var done: ResetFrame
        var deliverNotices: (() -> Void)? = nil
        switch request.hook {
        case .authenticate:
            let result = AuthenticateRequest(request: request, options: options, trust: trust, conversation: conversation).run()
            done = ResetDone.frame(result: result.code, newPassword: result.newPassword?.bytes)
            result.newPassword?.wipe()
            deliverNotices = result.deliverNotices
        case .session:
            if trust.requiredUID == nil {
                SessionRequest(request: request, options: options, conversation: conversation).run()
            }
            done = ResetDone.frame(result: PAMResult.success, newPassword: nil)
        }
        defer { done.wipe() }
        // The module may be gone (the caller killed su after the success line): the reset and its queued notices
        // are recorded by now either way; only the result cannot be delivered. The notices go out after the
        // result is sent (the module still reaps this process, so a slow sender delays it by at most the
        // sender's timeout, as before the outbox); a notice that fails waits in the outbox for ssprd or the timer.
        let delivered = !conversation.lost && (try? channel.send(done)) != nil
        deliverNotices?()
        return delivered ? 0 : 1
    }
}
