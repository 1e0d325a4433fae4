package io.gevent4j.http;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;

import javax.net.ssl.SSLParameters;
import java.net.InetSocketAddress;

/**
 * What an {@link HttpsConfigurator} chooses for one TLS connection, applied to its engine's
 * parameters: the {@link SSLParameters} it sets, else the cipher suites, protocols and client
 * authentication set through the older setters. Hub-thread only, during the accept.
 */
final class TlsParameters extends HttpsParameters {

    private final HttpsConfigurator configurator;
    private final InetSocketAddress client;
    private SSLParameters chosen;

    TlsParameters(HttpsConfigurator configurator, InetSocketAddress client) {
        this.configurator = configurator;
        this.client = client;
    }

    @Override
    public HttpsConfigurator getHttpsConfigurator() {
        return configurator;
    }

    @Override
    public InetSocketAddress getClientAddress() {
        return client;
    }

    @Override
    public void setSSLParameters(SSLParameters params) {
        this.chosen = params;
    }

    /** Runs the configurator and writes its choice into the engine's {@code params}. */
    void configure(SSLParameters params) {
        configurator.configure(this);
        if (chosen != null) {
            params.setCipherSuites(chosen.getCipherSuites());
            params.setProtocols(chosen.getProtocols());
            params.setApplicationProtocols(chosen.getApplicationProtocols());
            params.setAlgorithmConstraints(chosen.getAlgorithmConstraints());
            params.setSNIMatchers(chosen.getSNIMatchers());
            params.setUseCipherSuitesOrder(chosen.getUseCipherSuitesOrder());
            if (chosen.getNeedClientAuth()) {
                params.setNeedClientAuth(true);
            } else {
                params.setWantClientAuth(chosen.getWantClientAuth());
            }
            return;
        }
        if (getCipherSuites() != null) {
            params.setCipherSuites(getCipherSuites());
        }
        if (getProtocols() != null) {
            params.setProtocols(getProtocols());
        }
        if (getNeedClientAuth()) {
            params.setNeedClientAuth(true);
        } else if (getWantClientAuth()) {
            params.setWantClientAuth(true);
        }
    }
}
