"""The article's server, reconstructed: the standard library's HTTP server in thread mode
(ThreadingMixIn, one thread per connection) or fork mode (ForkingMixIn, one process per
connection), models py-thread and py-fork of `lab servers`. Debian's python3, standard library
only. It answers with the same bytes as the other models (HttpResponses.java, http.c): the same
body and headers, 400 for a malformed head or an HTTP/1.1 request without Host, 405 for another
method, 431 for a head line over 8 KiB, and closes a connection idle for --idle-timeout-ms.

    python3 py_http_server.py --mode thread|fork [--host 127.0.0.1] [--port 0]
                              [--idle-timeout-ms 30000] [--backlog 4096]

Prints "ready PORT" once listening. SIGTERM/SIGINT: stop accepting, end every child (fork
mode) and reap it, exit 0. ForkingMixIn keeps the standard library's limit of 40 children at
once (max_children), as the article's program would have; the listen backlog is the other
models' 4096 rather than socketserver's 5, so the accept queue is not what is compared.
"""
import argparse
import email.utils
import http.client
import http.server
import os
import signal
import socketserver
import sys

BODY = b"Hello from ContextLab\n"
REASONS = {400: "Bad Request", 405: "Method Not Allowed", 408: "Request Timeout",
           431: "Request Header Fields Too Large", 505: "HTTP Version Not Supported"}
# A head line longer than this is refused with 431 (http.client raises LineTooLong, which
# http.server answers with 431): the 8 KiB head limit of the other models.
http.client._MAXLINE = 8192


def head(status, length, keep_alive, extra=""):
    return ("HTTP/1.1 " + status + "\r\n"
            "Server: contextlab\r\n"
            "Date: " + email.utils.formatdate(usegmt=True) + "\r\n"
            "Content-Type: text/plain\r\n"
            "Content-Length: " + str(length) + "\r\n" + extra +
            ("Connection: keep-alive\r\n" if keep_alive else "Connection: close\r\n") +
            "\r\n").encode("ascii")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    default_request_version = "HTTP/1.1"   # so a malformed request line is answered with a status line
    timeout = 30.0                          # per read; set from --idle-timeout-ms

    def setup(self):
        super().setup()
        import socket
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def parse_request(self):
        if not super().parse_request():
            return False
        if self.headers.defects:
            self.send_error(400)
            return False
        if self.request_version == "HTTP/1.1" and self.headers.get("Host") is None:
            self.send_error(400)
            return False
        return True

    def send_error(self, code, message=None, explain=None):
        reason = REASONS.get(int(code), "Error")
        body = f"{int(code)} {reason}\n".encode("ascii")
        extra = "Allow: GET, HEAD\r\n" if int(code) == 405 else ""
        self.close_connection = True
        self.wfile.write(head(f"{int(code)} {reason}", len(body), False, extra) + body)

    def _answer(self, with_body):
        keep = not self.close_connection
        self.wfile.write(head("200 OK", len(BODY), keep) + (BODY if with_body else b""))

    def do_GET(self):
        self._answer(True)

    def do_HEAD(self):
        self._answer(False)

    def _refuse(self):
        self.send_error(405)

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = _refuse

    def log_message(self, format, *args):
        pass                                 # no line per request: the log would be the load


class ThreadServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


class ForkServer(socketserver.ForkingMixIn, http.server.HTTPServer):
    pass


class Stop(BaseException):
    """Raised by the SIGTERM/SIGINT handler in the parent. Not an Exception: socketserver's
    _handle_request_noblock catches Exception (and only logs it), so a signal landing inside
    process_request, e.g. during os.fork(), would be swallowed and the server would go on serving."""


def main():
    ap = argparse.ArgumentParser(description="the standard library's HTTP server, thread or fork per connection")
    ap.add_argument("--mode", choices=("thread", "fork"), required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--idle-timeout-ms", type=int, default=30000)
    ap.add_argument("--backlog", type=int, default=4096)
    a = ap.parse_args()
    Handler.timeout = a.idle_timeout_ms / 1000.0
    cls = ThreadServer if a.mode == "thread" else ForkServer
    cls.request_queue_size = a.backlog
    cls.allow_reuse_address = True
    try:
        server = cls((a.host, a.port), Handler)
    except OSError as e:
        print(f"cannot listen on {a.host}:{a.port}: {e.strerror} (is the port taken? pick another with --port)",
              file=sys.stderr)
        return 1
    parent = os.getpid()

    def on_stop(sig, frame):
        if os.getpid() == parent:
            raise Stop()
        os._exit(0)                          # a fork child: ForkingMixIn's finally would too

    signal.signal(signal.SIGTERM, on_stop)
    signal.signal(signal.SIGINT, on_stop)
    print("ready", server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except Stop:
        pass
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    for pid in list(getattr(server, "active_children", None) or ()):
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    server.server_close()                    # fork mode: reaps every child (block_on_close)
    return 0


if __name__ == "__main__":
    sys.exit(main())
