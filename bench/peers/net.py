"""Peers of gevent4j's net benchmarks (io.gevent4j.bench.net), for gevent or eventlet.

    python3 net.py gevent|eventlet [--quick]

Prints one line per measurement, the format bench/run reads (see bench/README.md):
    RESULT <benchmark> <peer> <value> <unit>
with the same <benchmark> keys as the Java side. Times are the mean of several repetitions
after one warm-up repetition, in ns per operation.

net.EchoBench.echo:conns=N, as EchoBench.echo: a 64-byte echo over N loopback connections
(N = 1 and 100), 10,000 round trips per repetition spread evenly over the connections, each
connection driven by its own client greenlet that sends 64 bytes and reads them back; the
server is an accepting greenlet that spawns one echo greenlet per connection (recv of up to
4096 bytes, sendall of what came). TCP_NODELAY on both sides; client and server greenlets
run on one hub (one OS thread), as in the Java benchmark. The score is per round trip.
Where it differs: the client greenlets are spawned and joined by the script's main greenlet
(gevent's hub runs on the same thread, so waking it costs a switch, not a thread hand-off),
and the sockets are the library's green sockets over its own event loop (libev/libuv for
gevent, eventlet's hub) rather than a Java selector.
"""
import sys
import time

PEER = sys.argv[1] if len(sys.argv) > 1 else "gevent"
QUICK = "--quick" in sys.argv[2:]
REPS = 3 if QUICK else 10
ROUND_TRIPS = 10_000     # per repetition (EchoBench.ROUND_TRIPS)
SIZE = 64                # bytes per message (EchoBench.SIZE)
CONNS = (1, 100)         # EchoBench.Conns.conns

if PEER == "gevent":
    import gevent
    from gevent import socket

    spawn = gevent.spawn

    def joinall(gs):
        gevent.joinall(gs, raise_error=True)

    def kill(g):
        g.kill()

elif PEER == "eventlet":
    import eventlet
    from eventlet.green import socket

    spawn = eventlet.spawn

    def joinall(gs):
        for g in gs:
            g.wait()

    def kill(g):
        g.kill()

else:
    sys.exit("usage: net.py gevent|eventlet [--quick]")


def nodelay(s):
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def echo(conn):
    try:
        while True:
            data = conn.recv(4096)
            if not data:
                return
            conn.sendall(data)
    except OSError:
        return              # closed at tear-down
    finally:
        conn.close()


def serve(server, accepted):
    while True:
        conn, _ = server.accept()
        nodelay(conn)
        accepted.append(conn)
        spawn(echo, conn)


def client(s, count):
    msg = b"\0" * SIZE
    reply = bytearray(SIZE)
    view = memoryview(reply)
    for _ in range(count):
        s.sendall(msg)
        got = 0
        while got < SIZE:
            n = s.recv_into(view[got:], SIZE - got)
            if n == 0:
                raise OSError("the echo server closed the connection")
            got += n


def echo_bench(conns):
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(1024)
    accepted = []
    acceptor = spawn(serve, server, accepted)
    clients = []
    try:
        for _ in range(conns):
            s = socket.create_connection(server.getsockname())
            nodelay(s)
            clients.append(s)
        per_client = ROUND_TRIPS // conns
        times = []
        for rep in range(REPS + 1):
            start = time.perf_counter()
            joinall([spawn(client, s, per_client) for s in clients])
            elapsed = time.perf_counter() - start
            if rep > 0:
                times.append(elapsed)
        return sum(times) / len(times) / (per_client * conns) * 1e9
    finally:
        for s in clients:
            s.close()
        kill(acceptor)
        server.close()
        for conn in accepted:
            conn.close()


def main():
    for conns in CONNS:
        ns = echo_bench(conns)
        print("RESULT net.EchoBench.echo:conns=%d %s %.1f ns" % (conns, PEER, ns), flush=True)


main()
