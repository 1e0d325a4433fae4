/**
 * gevent4j's HTTP/1.1 server behind the JDK's {@code com.sun.net.httpserver} API: with this
 * module present, an unmodified {@code HttpServer.create(...)} or {@code HttpsServer.create(...)}
 * returns a server whose connections are greenlets of one hub.
 */
module io.gevent4j.http {
    requires transitive jdk.httpserver;
    requires io.gevent4j;

    exports io.gevent4j.http;

    provides com.sun.net.httpserver.spi.HttpServerProvider
            with io.gevent4j.http.GeventHttpServerProvider;
}
