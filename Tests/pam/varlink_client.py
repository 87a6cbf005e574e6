#!/usr/bin/python3
"""A small varlink client for the daemon tests, run as any uid (setpriv). One connection; each argument is
`Method {json parameters}`; prints one JSON reply per line. `ConfirmTOTP @` computes the code from the secret
of the last BeginTOTP with an independent RFC 6238 implementation (hmac)."""
import base64, hashlib, hmac, json, socket, struct, sys, time

def totp(secret_b32, t=None):
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    counter = int((t or time.time()) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return "%06d" % (value % 1000000)

def main():
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    last_secret = None
    buf = b""
    for arg in sys.argv[2:]:
        method, _, params = arg.partition(" ")
        params = json.loads(params) if params else {}
        if method == "ConfirmTOTP" and params.get("code") == "@":
            params["code"] = totp(last_secret)
        name = method if "." in method else "io.sspr.Registration." + method
        s.sendall(json.dumps({"method": name, "parameters": params}).encode() + b"\0")
        while b"\0" not in buf:
            chunk = s.recv(65536)
            if not chunk:
                print(json.dumps({"closed": True}))
                return
            buf += chunk
        message, _, buf = buf.partition(b"\0")
        reply = json.loads(message)
        if method == "BeginTOTP" and "parameters" in reply:
            last_secret = reply["parameters"].get("secret")
        print(json.dumps(reply), flush=True)

main()
