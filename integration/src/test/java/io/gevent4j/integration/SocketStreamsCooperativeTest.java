package io.gevent4j.integration;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code java.net.Socket}/{@code ServerSocket} streams with client and server greenlets on
 * the same hub: it only works if every blocking accept/read parks just its greenlet.
 */
class SocketStreamsCooperativeTest {

    @BeforeAll
    static void patchSocketIfAsked() {
        Servers.patchSocketIfAsked();
    }

    @Test
    void lineEchoWithClientsAndServerOnOneHub() {
        FreshHub.run(() -> {
            int clients = 20;
            int lines = 50;
            try (ServerSocket listener = new ServerSocket()) {
                listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                int port = listener.getLocalPort();
                Greenlet<Object> server = Gevent.spawn(() -> {
                    for (int c = 0; c < clients; c++) {
                        Socket s = listener.accept();
                        Gevent.spawn(() -> {
                            try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                                 PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
                                String line;
                                while ((line = in.readLine()) != null) {
                                    out.println("echo " + line);
                                }
                            }
                            return null;
                        });
                    }
                    return null;
                });
                List<Greenlet<Integer>> greenlets = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    int id = c;
                    greenlets.add(Gevent.spawn(() -> {
                        try (Socket s = new Socket("127.0.0.1", port);
                             BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                             PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
                            int ok = 0;
                            for (int i = 0; i < lines; i++) {
                                out.println(id + ":" + i);
                                if (("echo " + id + ":" + i).equals(in.readLine())) {
                                    ok++;
                                }
                            }
                            return ok;
                        }
                    }));
                }
                for (Greenlet<Integer> g : greenlets) {
                    assertEquals(lines, g.get());
                }
                server.get();
            }
        });
    }
}
