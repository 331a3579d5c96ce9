package dev.sockerless.aca.registry;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The push flow of the OCI Distribution spec over {@link OciRegistryClient}'s authentication (token scope
 * {@code pull,push}): {@code HEAD} a blob, cross-repository mount ({@code POST uploads/?mount=&from=} → 201, or 202
 * with an ordinary session), {@code POST uploads/} → 202 + {@code Location}, then one monolithic
 * {@code PUT <Location>&digest=} with the body as {@code application/octet-stream}, or a streamed upload (one
 * chunked {@code PATCH}, then an empty {@code PUT <Location>&digest=} once the digest is known); manifests by
 * {@code PUT} with their media type. Upload {@code Location}s are kept exactly (their {@code _state} query included) and resolved
 * against the request URL when relative. No retries.
 */
public final class OciRegistryPusher implements RegistryPush {

    static final String PUSH = "pull,push";
    private static final String OCTET_STREAM = "application/octet-stream";

    private final OciRegistryClient client;

    OciRegistryPusher(OciRegistryClient client) {
        this.client = client;
    }

    @Override
    public ImageReference repository() {
        return client.repository();
    }

    private String path() {
        return client.repository().repository();
    }

    @Override
    public boolean blobExists(Digest digest) {
        RegistryTransport.Response r = client.call(
                "HEAD",
                client.base().resolve("/v2/" + path() + "/blobs/" + digest),
                Map.of(),
                null,
                0,
                "check blob " + digest,
                PUSH);
        if (r.status() == 200) {
            return true;
        }
        if (r.status() == 404) {
            return false;
        }
        throw failure("check blob " + digest, r);
    }

    @Override
    public Upload stream(BlobSource source, long maxBytes) {
        URI location = startUpload("stream a blob");
        RegistryTransport.Response r = client.call(
                RegistryTransport.Request.chunked(
                        "PATCH", location, Map.of("Content-Type", OCTET_STREAM), source, maxBytes),
                0,
                "stream a blob",
                PUSH);
        if (r.status() != 202) {
            cancel(new Upload(location));
            throw failure("stream a blob", r);
        }
        return new Upload(location(r, "stream a blob"));
    }

    @Override
    public void commit(Upload upload, Digest digest) {
        putBlob(
                digest,
                new RegistryTransport.Request(
                        "PUT",
                        withQuery(upload.location(), "digest=" + enc(digest.toString())),
                        Map.of("Content-Type", OCTET_STREAM),
                        new byte[0]));
    }

    @Override
    public void cancel(Upload upload) {
        try {
            client.call("DELETE", upload.location(), Map.of(), null, 0, "cancel an upload", PUSH);
        } catch (RuntimeException ignored) {
            // best effort: the registry purges abandoned sessions on its own
        }
    }

    /** {@code POST uploads/} → 202: the new session's Location. */
    private URI startUpload(String what) {
        RegistryTransport.Response r = client.call(
                "POST", client.base().resolve("/v2/" + path() + "/blobs/uploads/"), Map.of(), null, 0, what, PUSH);
        if (r.status() != 202) {
            throw failure(what, r);
        }
        return location(r, what);
    }

    /** The final {@code PUT ?digest=} of an upload: 201, and the digest the registry announces must match. */
    private void putBlob(Digest digest, RegistryTransport.Request put) {
        RegistryTransport.Response r = client.call(put, 0, "upload blob " + digest, PUSH);
        if (r.status() != 201) {
            throw failure("upload blob " + digest, r);
        }
        String announced = r.header("Docker-Content-Digest");
        if (announced != null
                && Digest.isDigest(announced)
                && !Digest.parse(announced).equals(digest)) {
            throw RegistryException.badContent(
                    "upload blob " + digest,
                    put.uri(),
                    "upload blob " + digest + ": the registry stored digest " + announced);
        }
    }

    @Override
    @SuppressWarnings(
            "ReferenceEquality") // MOUNTED is an identity sentinel: a registry's Location may equal it by value
    public void mountOrUpload(Digest digest, long size, BlobSource source, @Nullable String fromRepository) {
        URI location = null;
        if (fromRepository != null && !fromRepository.equals(path())) {
            location = mount(digest, fromRepository);
            if (location == MOUNTED) {
                return;
            }
        }
        if (location == null) {
            location = startUpload("start upload of " + digest);
        }
        URI put = withQuery(location, "digest=" + enc(digest.toString()));
        putBlob(
                digest,
                RegistryTransport.Request.streaming("PUT", put, Map.of("Content-Type", OCTET_STREAM), source, size));
    }

    private static final URI MOUNTED = URI.create("mounted:blob");

    /**
     * Tries a cross-repository mount: {@link #MOUNTED} when done (201), the session's Location when the registry
     * opened an ordinary upload instead (202), null when the mount was refused (no pull access to
     * {@code from}: distribution answers 401 insufficient_scope), so the caller uploads.
     */
    private @Nullable URI mount(Digest digest, String from) {
        URI mount = client.base()
                .resolve("/v2/" + path() + "/blobs/uploads/?mount=" + enc(digest.toString()) + "&from=" + enc(from));
        String scope = client.repository().scope(PUSH) + " repository:" + from + ":pull";
        RegistryTransport.Response r;
        try {
            r = client.callWithScope(
                    new RegistryTransport.Request("POST", mount, Map.of(), null), 0, "mount blob " + digest, scope);
        } catch (RegistryException e) {
            if (e.isAccessRefused()) {
                return null;
            }
            throw e;
        }
        if (r.status() == 201) {
            return MOUNTED;
        }
        if (r.status() == 202) {
            return location(r, "mount blob " + digest);
        }
        if (r.status() == 401 || r.status() == 403) {
            return null;
        }
        throw failure("mount blob " + digest, r);
    }

    @Override
    public Digest putManifest(String reference, byte[] bytes, String mediaType) {
        Digest digest = Digest.of(bytes);
        RegistryTransport.Response r = client.call(
                "PUT",
                client.base().resolve("/v2/" + path() + "/manifests/" + reference),
                Map.of("Content-Type", mediaType),
                bytes,
                0,
                "put manifest " + path() + ":" + reference,
                PUSH);
        if (r.status() != 201) {
            throw failure("put manifest " + reference, r);
        }
        String announced = r.header("Docker-Content-Digest");
        if (announced != null
                && Digest.isDigest(announced)
                && !Digest.parse(announced).equals(digest)) {
            throw RegistryException.badContent(
                    "put manifest " + reference,
                    r.uri(),
                    "put manifest " + reference + ": the registry stored digest " + announced
                            + " for content with digest " + digest);
        }
        return digest;
    }

    /** The upload session URL, resolved against the request URL when relative. */
    static URI location(RegistryTransport.Response r, String what) {
        String location = r.header("Location");
        if (location == null || location.isBlank()) {
            throw RegistryException.unreachable(
                    what,
                    r.uri(),
                    what + ": the registry " + r.uri().getAuthority() + " sent no upload Location",
                    null);
        }
        try {
            URI resolved = r.uri().resolve(location.trim());
            if (!"http".equals(resolved.getScheme()) && !"https".equals(resolved.getScheme())) {
                throw new IllegalArgumentException("scheme " + resolved.getScheme());
            }
            return resolved;
        } catch (IllegalArgumentException e) {
            throw RegistryException.unreachable(
                    what,
                    r.uri(),
                    what + ": the registry " + r.uri().getAuthority() + " sent an invalid upload Location",
                    e);
        }
    }

    /** Appends {@code param} to the URI's query, keeping the existing raw query byte for byte. */
    static URI withQuery(URI uri, String param) {
        String text = uri.toString();
        int hash = text.indexOf('#');
        if (hash >= 0) {
            text = text.substring(0, hash);
        }
        return URI.create(text + (uri.getRawQuery() == null ? "?" : "&") + param);
    }

    /** The registry's refusal of {@code what}; Docker's text names the repository (images.RegistryFailures). */
    private RegistryException failure(String what, RegistryTransport.Response r) {
        return RegistryErrors.response(what + " in " + client.repository().name(), r);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
