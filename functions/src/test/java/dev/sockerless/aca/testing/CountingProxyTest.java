package dev.sockerless.aca.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sockerless.aca.testing.TestImages.Format;
import dev.sockerless.aca.testing.TestImages.Platform;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class CountingProxyTest {

    @Test
    void countsAndRelaysAPushAndAPull() throws Exception {
        RegistryServer registry = SharedServices.anonymousRegistry();
        TestImage image = TestImages.simple(Format.OCI, Platform.LINUX_ARM_V7);
        try (CountingProxy proxy = new CountingProxy(registry.baseUrl())) {
            RegistryPusher pusher = new RegistryPusher(proxy.baseUrl());
            pusher.push("proxy/app", "v1", image);
            // 2 blobs × (HEAD, POST, PUT) + manifest PUT; every upload PUT went through the proxy
            assertThat(proxy.requestCount()).isEqualTo(7);
            assertThat(proxy.exchanges())
                    .filteredOn(e -> e.method().equals("PUT") && e.path().contains("uploads"))
                    .hasSize(2)
                    .allMatch(e -> e.status() == 201);

            proxy.reset();
            HttpResponse<byte[]> manifest = pusher.getManifest("proxy/app", "v1");
            assertThat(manifest.body()).isEqualTo(image.manifest().bytes());
            assertThat(manifest.headers().firstValue("Docker-Content-Digest"))
                    .hasValue(image.manifest().digest());
            assertThat(pusher.getBlob("proxy/app", image.imageId()).body())
                    .isEqualTo(image.config().bytes());
            assertThat(proxy.requestCount()).isEqualTo(2);
            assertThat(proxy.exchanges())
                    .extracting(CountingProxy.Exchange::method)
                    .containsExactly("GET", "GET");

            HttpResponse<Void> head = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(proxy.baseUrl() + "/v2/proxy/app/blobs/"
                                            + image.layerBlobs().get(0).digest()))
                                    .method("HEAD", HttpRequest.BodyPublishers.noBody())
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.headers().firstValue("Content-Length"))
                    .hasValue(String.valueOf(image.layerBlobs().get(0).size()));

            HttpResponse<String> missing = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(proxy.baseUrl() + "/v2/proxy/app/manifests/nosuch"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.body()).contains("MANIFEST_UNKNOWN");
            assertThat(proxy.exchanges().get(proxy.exchanges().size() - 1))
                    .isEqualTo(new CountingProxy.Exchange("GET", "/v2/proxy/app/manifests/nosuch", 404));
        }
    }

    @Test
    void rewritesUploadLocationsToTheProxy() throws Exception {
        RegistryServer registry = SharedServices.anonymousRegistry();
        try (CountingProxy proxy = new CountingProxy(registry.baseUrl())) {
            HttpResponse<Void> post = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(proxy.baseUrl() + "/v2/proxy/loc/blobs/uploads/"))
                                    .POST(HttpRequest.BodyPublishers.noBody())
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
            assertThat(post.statusCode()).isEqualTo(202);
            String location = post.headers().firstValue("Location").orElseThrow();
            assertThat(location).doesNotContain(registry.hostPort());
            assertThat(URI.create(proxy.baseUrl() + "/").resolve(location).toString())
                    .startsWith(proxy.baseUrl() + "/v2/proxy/loc/blobs/uploads/")
                    .contains("_state=");
        }
    }
}
