// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import NIOCore
import NIOPosix
import SSPRSystem
import SSPRVarlink

/// One client connection: bounded framing, one request answered at a time on the worker pool, and the
/// per-connection bounds (queue, message deadline, idle time, request rate). A bad or oversized message
/// closes this connection only.
final class VarlinkConnectionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let service: RegistrationService
    private let session: ConnectionSession
    private let pool: NIOThreadPool
    private let senderPool: NIOThreadPool
    private let rateLimiter: RateLimiter
    private let onClose: @Sendable () -> Void
    private var framer: VarlinkFramer
    private var queue: [[UInt8]] = []
    private var busy = false
    private var closed = false
    private var messageDeadline: Scheduled<Void>?
    private var idleDeadline: Scheduled<Void>?

    init(service: RegistrationService, session: ConnectionSession, pool: NIOThreadPool, senderPool: NIOThreadPool,
         rateLimiter: RateLimiter, onClose: @escaping @Sendable () -> Void) {
        self.service = service
        self.session = session
        self.pool = pool
        self.senderPool = senderPool
        self.rateLimiter = rateLimiter
        self.onClose = onClose
        self.framer = VarlinkFramer(limit: service.configuration.maximumMessageBytes)
    }

    func channelActive(context: ChannelHandlerContext) {
        resetIdleTimer(context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closed else { return }
        let buffer = unwrapInboundIn(data)
        let messages: [[UInt8]]
        do {
            messages = try framer.push(buffer.readableBytesView)
        } catch {
            close(context, reason: "message larger than \(service.configuration.maximumMessageBytes) bytes")
            return
        }
        resetIdleTimer(context: context)
        queue.append(contentsOf: messages)
        if queue.count > service.configuration.maximumQueuedMessages {
            close(context, reason: "too many queued messages")
            return
        }
        // A message under way must finish within the deadline; one byte every few seconds is not a client.
        if framer.bufferedCount > 0 {
            if messageDeadline == nil {
                let seconds = service.configuration.messageTimeoutSeconds
                // The task runs on the context's event loop; loopBound proves that to the compiler (and traps if not).
                let bound = context.loopBound
                messageDeadline = context.eventLoop.scheduleTask(in: .seconds(seconds)) { [weak self] in
                    self?.close(bound.value, reason: "message not completed within \(seconds)s")
                }
            }
        } else {
            messageDeadline?.cancel()
            messageDeadline = nil
        }
        processNext(context: context)
    }

    private func processNext(context: ChannelHandlerContext) {
        guard !busy, !closed, !queue.isEmpty else { return }
        let message = queue.removeFirst()
        let peer = session.peer
        if !peer.isRoot && !rateLimiter.allow(uid: peer.uid, now: SystemClock.monotonicMilliseconds()) {
            write(RegistrationError.rateLimited.reply(), context: context)
            return
        }
        let call: VarlinkCall
        do {
            call = try VarlinkWire.decodeCall(message)
        } catch {
            // Malformed: answer once, then close; the daemon keeps serving everyone else.
            write(RegistrationError.invalidParameter.reply(["reason": "malformed message"]), context: context)
            close(context, reason: "malformed message")
            return
        }
        busy = true
        let service = self.service
        let session = self.session
        let loop = context.eventLoop
        let bound = context.loopBound
        // The answer is computed on the pool; whenComplete runs back on `loop`, where the context lives. A call
        // that runs a sender (or waits for the deliverer) gets a pool of its own: seconds of sendmail must not
        // hold a worker that GetStatus from another client needs.
        let runsSender = call.method == VarlinkWire.interface + ".BeginContact"
        (runsSender ? senderPool : pool).runIfActive(eventLoop: loop) { service.handle(call, session: session) }.whenComplete { [self] result in
            let context = bound.value
            busy = false
            switch result {
            case .success(let reply):
                if call.oneway != true { write(reply, context: context) }
            case .failure:
                write(RegistrationError.internalError.reply(), context: context)
            }
            processNext(context: context)
        }
    }

    private func write(_ reply: VarlinkReply, context: ChannelHandlerContext) {
        guard !closed else { return }
        let bytes = VarlinkWire.encode(reply)
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    private func resetIdleTimer(context: ChannelHandlerContext) {
        idleDeadline?.cancel()
        let seconds = service.configuration.idleTimeoutSeconds
        let bound = context.loopBound
        idleDeadline = context.eventLoop.scheduleTask(in: .seconds(seconds)) { [weak self] in
            self?.close(bound.value, reason: "idle for \(seconds)s")
        }
    }

    private func close(_ context: ChannelHandlerContext, reason: String) {
        guard !closed else { return }
        closed = true
        messageDeadline?.cancel()
        idleDeadline?.cancel()
        queue.removeAll()
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        messageDeadline?.cancel()
        idleDeadline?.cancel()
        onClose()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        close(context, reason: "\(error)")
    }
}
