package dev.sockerless.aca.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * A minimal registry client for seeding fixtures: pushes blobs (HEAD → POST uploads → PUT {@code <Location>&digest=})
 * and manifests (PUT with the manifest's media type; children before an index) over {@code java.net.http}.
 * Authentication is discovered from the 401 challenge: Basic (htpasswd) or Bearer (token fetched from the realm,
 * with Basic credentials when configured).
 */
public final class RegistryPusher {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private final String baseUrl;
    private final String username;
    private final String password;
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    /** Authorization header to send proactively (the last one that worked). */
    private volatile String authorization;

    /** Anonymous client for {@code baseUrl} (e.g. {@code http://127.0.0.1:5000}). */
    public RegistryPusher(String baseUrl) {
        this(baseUrl, null, null);
    }

    /** Client with credentials used for Basic challenges or to obtain bearer tokens. */
    public RegistryPusher(String baseUrl, String username, String password) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.username = username;
        this.password = password;
    }

    /** Thrown for unexpected registry answers; carries status and body. */
    public static final class RegistryException extends RuntimeException {
        public final int status;
        public final String body;

        RegistryException(String what, HttpResponse<byte[]> r) {
            super(what + " → " + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8) + " "
                    + r.headers().firstValue("WWW-Authenticate").orElse(""));
            this.status = r.statusCode();
            this.body = new String(r.body(), StandardCharsets.UTF_8);
        }
    }

    // ---------------------------------------------------------------- high level

    /** Pushes the image's blobs and its manifest under {@code tag}; returns the manifest digest. */
    public String push(String repository, String tag, TestImage image) {
        for (Blob b : image.blobs()) {
            pushBlob(repository, b);
        }
        return pushManifest(repository, tag, image.manifest());
    }

    /** Pushes every child (by digest), then the index under {@code tag}; returns the index digest. */
    public String push(String repository, String tag, TestIndex index) {
        for (TestImage child : index.children()) {
            push(repository, child.manifest().digest(), child);
        }
        return pushManifest(repository, tag, index.index());
    }

    /** Uploads a blob unless {@code HEAD} says it exists (monolithic {@code PUT} after {@code POST}). */
    public void pushBlob(String repository, Blob blob) {
        String blobUrl = baseUrl + "/v2/" + repository + "/blobs/" + blob.digest();
        if (send("HEAD", blobUrl, null, null, null).statusCode() == 200) {
            return;
        }
        HttpResponse<byte[]> post = send("POST", baseUrl + "/v2/" + repository + "/blobs/uploads/", null, null, null);
        if (post.statusCode() != 202) {
            throw new RegistryException("POST upload " + repository, post);
        }
        String location = post.headers()
                .firstValue("Location")
                .orElseThrow(() -> new RegistryException("POST upload without Location", post));
        URI uploadUri =
                URI.create(baseUrl + "/v2/" + repository + "/blobs/uploads/").resolve(location);
        String sep = uploadUri.getRawQuery() == null ? "?" : "&";
        String putUrl = uploadUri + sep + "digest=" + URLEncoder.encode(blob.digest(), StandardCharsets.UTF_8);
        HttpResponse<byte[]> put = send("PUT", putUrl, "application/octet-stream", blob.bytes(), null);
        if (put.statusCode() != 201) {
            throw new RegistryException("PUT blob " + blob.digest(), put);
        }
    }

    /** PUTs manifest bytes under a tag or digest with {@code Content-Type} = its media type; returns the digest. */
    public String pushManifest(String repository, String reference, Blob manifest) {
        HttpResponse<byte[]> r = send(
                "PUT",
                baseUrl + "/v2/" + repository + "/manifests/" + reference,
                manifest.mediaType(),
                manifest.bytes(),
                null);
        if (r.statusCode() != 201) {
            throw new RegistryException("PUT manifest " + repository + ":" + reference, r);
        }
        return r.headers().firstValue("Docker-Content-Digest").orElse(manifest.digest());
    }

    /** {@code GET /v2/<repo>/manifests/<ref>} accepting the four modern manifest types (auth handled). */
    public HttpResponse<byte[]> getManifest(String repository, String reference) {
        return send(
                "GET",
                baseUrl + "/v2/" + repository + "/manifests/" + reference,
                null,
                null,
                TestImages.ACCEPT_ALL_MANIFESTS);
    }

    /**
     * Pulls {@code repository:reference} back and asserts that it is {@code image}: the config's bytes, and every
     * layer's digest, size and (uncompressed) diffID. Returns the manifest.
     */
    public JsonNode verifyPushed(String repository, String reference, TestImage image) throws IOException {
        HttpResponse<byte[]> m = getManifest(repository, reference);
        assertThat(m.statusCode()).as("manifest %s:%s", repository, reference).isEqualTo(200);
        JsonNode manifest = JSON.readTree(m.body());
        String configDigest = manifest.path("config").path("digest").asText();
        assertThat(configDigest).isEqualTo(image.imageId());
        assertThat(getBlob(repository, configDigest).body())
                .isEqualTo(image.config().bytes());
        JsonNode layers = manifest.path("layers");
        assertThat(layers).hasSize(image.layers().size());
        for (int i = 0; i < layers.size(); i++) {
            JsonNode l = layers.get(i);
            byte[] blob = getBlob(repository, l.path("digest").asText()).body();
            assertThat(Blob.sha256(blob)).isEqualTo(l.path("digest").asText());
            assertThat((long) blob.length).isEqualTo(l.path("size").asLong());
            byte[] tar = l.path("mediaType").asText().endsWith("gzip")
                    ? new GZIPInputStream(new ByteArrayInputStream(blob)).readAllBytes()
                    : blob;
            assertThat(Blob.sha256(tar)).isEqualTo(image.diffIds().get(i));
        }
        return manifest;
    }

    /** {@code GET /v2/<repo>/blobs/<digest>} (auth handled). */
    public HttpResponse<byte[]> getBlob(String repository, String digest) {
        return send("GET", baseUrl + "/v2/" + repository + "/blobs/" + digest, null, null, null);
    }

    // ---------------------------------------------------------------- transport with auth

    /**
     * Sends a request to an absolute URL; on 401 answers the challenge once (Basic or Bearer) and retries.
     *
     * @param contentType request {@code Content-Type}, or {@code null}
     * @param body        request body, or {@code null}
     * @param accept      {@code Accept} header, or {@code null}
     */
    public HttpResponse<byte[]> send(String method, String url, String contentType, byte[] body, String accept) {
        HttpResponse<byte[]> r = sendOnce(method, url, contentType, body, accept, authorization);
        if (r.statusCode() == 401) {
            String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
            String auth = answer(challenge);
            if (auth != null) {
                authorization = auth;
                r = sendOnce(method, url, contentType, body, accept, auth);
            }
        }
        return r;
    }

    private String answer(String challenge) {
        if (challenge.regionMatches(true, 0, "Basic", 0, 5)) {
            return username == null ? null : basic();
        }
        if (!challenge.regionMatches(true, 0, "Bearer", 0, 6)) {
            return null;
        }
        Map<String, String> params = challengeParams(challenge);
        StringBuilder url = new StringBuilder(params.get("realm"));
        String sep = url.indexOf("?") < 0 ? "?" : "&";
        for (String key : new String[] {"service", "scope"}) {
            if (params.containsKey(key)) {
                url.append(sep)
                        .append(key)
                        .append('=')
                        .append(URLEncoder.encode(params.get(key), StandardCharsets.UTF_8));
                sep = "&";
            }
        }
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url.toString()))
                .timeout(Duration.ofSeconds(10))
                .GET();
        if (username != null) {
            req.header("Authorization", basic());
        }
        HttpResponse<byte[]> r = exchange(req.build());
        if (r.statusCode() != 200) {
            throw new RegistryException("token request " + url, r);
        }
        try {
            JsonNode json = JSON.readTree(r.body());
            JsonNode token = json.hasNonNull("token") ? json.get("token") : json.get("access_token");
            if (token == null) {
                throw new RegistryException("token reply without token", r);
            }
            return "Bearer " + token.asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses {@code key="value"} pairs of a {@code WWW-Authenticate} header. */
    public static Map<String, String> challengeParams(String challenge) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(challenge);
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }

    private String basic() {
        return "Basic "
                + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<byte[]> sendOnce(
            String method, String url, String contentType, byte[] body, String accept, String auth) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) req.header("Content-Type", contentType);
        if (accept != null) req.header("Accept", accept);
        if (auth != null) req.header("Authorization", auth);
        return exchange(req.build());
    }

    private HttpResponse<byte[]> exchange(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
