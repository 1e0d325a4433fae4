"""The table's Python peers as servers (bench/table), for gevent or eventlet.

    python3 servers.py echo|hello gevent|eventlet

Listens on 127.0.0.1 on a free port, prints "listening PORT" as its first line, and serves
until the process is ended (SIGTERM). Each is what the library's own documentation writes:

echo   gevent: gevent.server.StreamServer; eventlet: eventlet.serve; the handler runs
       `data = sock.recv(4096); sock.sendall(data)` until the peer closes (TCP_NODELAY on),
       one greenlet per connection, as the Java servers of the table.
hello  gevent: gevent.pywsgi.WSGIServer; eventlet: eventlet.wsgi.server; a WSGI app that
       answers every request with "Hello, World!" (text/plain, Content-Length), keep-alive,
       no access log.

Both listen with a backlog of 4096 (Servers.BACKLOG) and with TCP_NODELAY on the listening
socket, which Linux passes on to every accepted one: pywsgi sends a response's headers and
body in two writes, and with Nagle's algorithm the body would wait for the client's delayed
ACK (40 ms), capping wrk -c100 at about 2,500 requests/s whatever the CPU. The Java servers
write a response at once or set TCP_NODELAY themselves. eventlet.serve is given a pool
large enough for the idle run (its default of 1,000 concurrent connections would stall it).
"""
import socket
import sys

BACKLOG = 4096
RECV_SIZE = 4096
MAX_CONNECTIONS = 20_000   # the open-file limit the table runs under
HELLO = b"Hello, World!"


def listener(socket_module):
    """A TCP socket listening on 127.0.0.1, any free port, TCP_NODELAY on."""
    sock = socket_module.socket(socket_module.AF_INET, socket_module.SOCK_STREAM)
    sock.setsockopt(socket_module.SOL_SOCKET, socket_module.SO_REUSEADDR, 1)
    sock.setsockopt(socket_module.IPPROTO_TCP, socket_module.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(BACKLOG)
    return sock


def announce(sock):
    print("listening %d" % sock.getsockname()[1], flush=True)


def echo(sock, _address):
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        while True:
            data = sock.recv(RECV_SIZE)
            if not data:
                return
            sock.sendall(data)
    except OSError:
        return              # the client went away
    finally:
        sock.close()


def hello(_environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(HELLO)))])
    return [HELLO]


def serve_gevent(workload):
    from gevent import socket as green_socket
    sock = listener(green_socket)
    if workload == "echo":
        from gevent.server import StreamServer
        server = StreamServer(sock, echo)
    else:
        from gevent.pywsgi import WSGIServer
        server = WSGIServer(sock, hello, log=None)
    server.start()
    announce(server.socket)
    server.serve_forever()


def serve_eventlet(workload):
    import eventlet
    from eventlet.green import socket as green_socket
    sock = listener(green_socket)
    announce(sock)
    if workload == "echo":
        eventlet.serve(sock, echo, concurrency=MAX_CONNECTIONS)
    else:
        import eventlet.wsgi
        eventlet.wsgi.server(sock, hello, log_output=False)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("echo", "hello") or sys.argv[2] not in ("gevent", "eventlet"):
        sys.exit("usage: servers.py echo|hello gevent|eventlet")
    if sys.argv[2] == "gevent":
        serve_gevent(sys.argv[1])
    else:
        serve_eventlet(sys.argv[1])


main()
