package io.gevent4j.bench.table;

/**
 * What every server of the table shares: it listens on 127.0.0.1 on a free port, with a
 * backlog deep enough for the largest run, reads at most {@value #RECV_SIZE} bytes at a
 * time, and once it accepts prints {@code listening PORT} as its first line of standard
 * output, which is how {@link ServerProcess} finds it.
 */
final class Servers {

    /** The listen backlog of every server (the kernel caps it at {@code somaxconn}). */
    static final int BACKLOG = 4096;
    /** Bytes per read of an echo server (gevent's {@code sock.recv(4096)}). */
    static final int RECV_SIZE = 4096;

    private Servers() {
    }

    /** Prints the line {@code listening PORT}, flushed. */
    static void announce(int port) {
        System.out.println("listening " + port);
        System.out.flush();
    }
}
