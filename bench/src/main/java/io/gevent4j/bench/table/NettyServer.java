package io.gevent4j.bench.table;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The table's Netty peer (4.1, native epoll transport, the default event loop group: twice
 * as many loops as cores, plus one loop that accepts), as Netty's own examples write it.
 * {@code echo}: writes back whatever it reads and flushes when a read burst ends.
 * {@code hello}: {@code HttpServerCodec} and a handler answering every request with
 * {@code Hello, World!} ({@code text/plain}, keep-alive as the request asks). Prints
 * {@code listening PORT}; serves until the process is ended.
 */
public final class NettyServer {

    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    private NettyServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1 || !(args[0].equals("echo") || args[0].equals("hello"))) {
            System.err.println("usage: NettyServer echo|hello");
            System.exit(2);
        }
        boolean echo = args[0].equals("echo");
        Epoll.ensureAvailability();
        EventLoopGroup boss = new EpollEventLoopGroup(1);
        EventLoopGroup workers = new EpollEventLoopGroup();
        try {
            Channel server = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(EpollServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, Servers.BACKLOG)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (echo) {
                                ch.pipeline().addLast(new Echo());
                            } else {
                                ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(), new Hello());
                            }
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            Servers.announce(((InetSocketAddress) server.localAddress()).getPort());
            server.closeFuture().sync();
        } finally {
            boss.shutdownGracefully();
            workers.shutdownGracefully();
        }
    }

    /** Flushes at the end of each read burst and closes the connection on an error, as Netty's examples do. */
    private abstract static class BurstHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Netty's echo example: write back what came. */
    private static final class Echo extends BurstHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }
    }

    /** Hello world over HTTP/1.1: one response per request. */
    private static final class Hello extends BurstHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest) {
                    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                            Unpooled.wrappedBuffer(HELLO));
                    response.headers()
                            .set(HttpHeaderNames.CONTENT_TYPE, "text/plain")
                            .setInt(HttpHeaderNames.CONTENT_LENGTH, HELLO.length);
                    ctx.write(response);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }
}
