package dev.sockerless.aca.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Credentials never travel in plain http to a token realm on another host than the registry's. */
class PlainHttpRealmTest {

    @Test
    void basicCredentialsAreNotSentToAPlainHttpRealmOnAnotherHost() throws Exception {
        AtomicInteger realmHits = new AtomicInteger();
        HttpServer realm = OutboundGuardTest.server(ex -> {
            realmHits.incrementAndGet();
            byte[] token = "{\"token\":\"t\"}".getBytes();
            ex.sendResponseHeaders(200, token.length);
            ex.getResponseBody().write(token);
            ex.close();
        });
        int realmPort = realm.getAddress().getPort();
        HttpServer registry = OutboundGuardTest.server(ex -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth == null) {
                // "localhost" is another host name than the registry's 127.0.0.1 (both loopback: no network)
                ex.getResponseHeaders()
                        .add(
                                "WWW-Authenticate",
                                "Bearer realm=\"http://localhost:" + realmPort + "/token\",service=\"reg\"");
                ex.sendResponseHeaders(401, -1);
            } else {
                ex.sendResponseHeaders(404, -1);
            }
            ex.close();
        });
        try {
            String authority = "127.0.0.1:" + registry.getAddress().getPort();
            RegistryTransport transport =
                    OutboundGuardTest.transport(List.of(authority, "localhost:" + realmPort), new ArrayList<>());
            OciRegistryClient withPassword = client(transport, authority, new RegistryCredentials.Basic("u", "secret"));
            assertThatThrownBy(() -> withPassword.head("v1"))
                    .isInstanceOfSatisfying(
                            RegistryException.class,
                            e -> assertThat(e.failure()).isEqualTo(RegistryException.Failure.REFUSED))
                    .hasMessage("refusing to send credentials to the plain-http token realm localhost:" + realmPort
                            + ", which is not on the registry's host 127.0.0.1");
            assertThat(realmHits.get()).isZero();
            // anonymous: nothing to show, the realm is asked
            OciRegistryClient anonymous = client(transport, authority, new RegistryCredentials.Anonymous());
            assertThatThrownBy(() -> anonymous.head("v1"))
                    .isInstanceOfSatisfying(
                            RegistryException.class, e -> assertThat(e.status()).isEqualTo(404));
            assertThat(realmHits.get()).isEqualTo(1);
        } finally {
            registry.stop(0);
            realm.stop(0);
        }
    }

    private static OciRegistryClient client(
            RegistryTransport transport, String authority, RegistryCredentials credentials) {
        return new OciRegistryClient(
                transport,
                URI.create("http://" + authority),
                true,
                ImageReference.parse(authority + "/team/app:v1"),
                credentials,
                new TokenCache(Clock.systemUTC()),
                OciRegistryClient.challengeCache());
    }
}
