package dev.sockerless.aca.registry;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The project's OCI Distribution client for one repository and one set of credentials: anonymous, Basic and the
 * Bearer challenge flow (distribution/distribution {@code docs/content/spec/auth/token.md}), with tokens and challenges cached across requests so a
 * repeat pull needs no {@code /v2/} probe. Used for Docker Hub, any OCI registry, and ACR with user name and
 * password.
 */
public final class OciRegistryClient implements RegistryApi {

    /** Manifests larger than this are refused (distribution's and the ACR SDK's limit). */
    public static final long MAX_MANIFEST_BYTES = 4L * 1024 * 1024;

    private final RegistryTransport transport;
    private final boolean trusted;
    private final URI base;
    private final ImageReference repository;
    private final RegistryCredentials credentials;
    private final TokenCache tokens;
    private final TokenServer tokenServer;
    private final BoundedCache<URI, AuthChallenge> challenges;

    /** Heap the learnt challenges may hold together (least recently used go first). */
    static final long MAX_CHALLENGE_BYTES = 1024 * 1024;

    /** A cache of the challenges learnt per registry, shared by the clients of one {@link Registries}. */
    static BoundedCache<URI, AuthChallenge> challengeCache() {
        return new BoundedCache<>(
                MAX_CHALLENGE_BYTES,
                (uri, c) -> BoundedCache.weight(uri.toString())
                        + c.parameters().entrySet().stream()
                                .mapToLong(e -> BoundedCache.weight(e.getKey()) + BoundedCache.weight(e.getValue()))
                                .sum());
    }

    /**
     * @param trusted the operator trusts this registry (an insecure registry or a mirror): it, its token realm and its
     *                redirects may then be on internal addresses
     */
    OciRegistryClient(
            RegistryTransport transport,
            URI base,
            boolean trusted,
            ImageReference repository,
            RegistryCredentials credentials,
            TokenCache tokens,
            BoundedCache<URI, AuthChallenge> challenges) {
        this.transport = transport;
        this.trusted = trusted;
        this.base = base;
        this.repository = repository.repositoryOnly();
        this.credentials = credentials;
        this.tokens = tokens;
        this.tokenServer = new TokenServer(transport, base, trusted, credentials, tokens);
        this.challenges = challenges;
    }

    @Override
    public Optional<ManifestHead> head(String reference) {
        RegistryTransport.Response r = call(
                "HEAD",
                manifestUri(reference),
                Map.of("Accept", MediaType.MANIFEST_ACCEPT),
                null,
                0,
                "head manifest",
                "pull");
        expect(r, 200, "head manifest");
        String digest = r.header("Docker-Content-Digest");
        if (digest == null || !Digest.isDigest(digest)) {
            return Optional.empty();
        }
        long size = r.headers().firstValueAsLong("Content-Length").orElse(-1);
        return Optional.of(new ManifestHead(Digest.parse(digest), MediaType.essence(r.header("Content-Type")), size));
    }

    @Override
    public FetchedManifest manifest(String reference) {
        RegistryTransport.Response r = call(
                "GET",
                manifestUri(reference),
                Map.of("Accept", MediaType.MANIFEST_ACCEPT),
                null,
                MAX_MANIFEST_BYTES,
                "fetch manifest",
                "pull");
        expect(r, 200, "fetch manifest");
        byte[] bytes = r.body();
        Digest computed = Digest.of(bytes);
        if (Digest.isDigest(reference) && !computed.equals(Digest.parse(reference))) {
            throw RegistryException.badContent(
                    "fetch manifest",
                    r.uri(),
                    "manifest verification failed for digest "
                            + reference
                            + ": the registry sent content with digest " + computed);
        }
        String announced = r.header("Docker-Content-Digest");
        if (announced != null && Digest.isDigest(announced) && !computed.equals(Digest.parse(announced))) {
            throw RegistryException.badContent(
                    "fetch manifest",
                    r.uri(),
                    "manifest verification failed: the registry announced " + announced
                            + " but sent content with digest " + computed);
        }
        return new FetchedManifest(bytes, Manifests.mediaTypeOf(bytes, r.header("Content-Type")), computed);
    }

    @Override
    public byte[] blob(Descriptor descriptor, long maxBytes) {
        if (descriptor.size() > maxBytes) {
            throw RegistryException.badContent(
                    "fetch blob",
                    null,
                    "blob " + descriptor.digest() + " is " + descriptor.size() + " bytes, over the limit of "
                            + maxBytes);
        }
        RegistryTransport.Response r = call(
                "GET",
                base.resolve("/v2/" + repository.repository() + "/blobs/" + descriptor.digest()),
                Map.of(),
                null,
                descriptor.size(),
                "fetch blob",
                "pull");
        expect(r, 200, "fetch blob");
        byte[] bytes = r.body();
        Digest computed = Digest.of(bytes);
        if (bytes.length != descriptor.size() || !computed.equals(descriptor.digest())) {
            throw RegistryException.badContent(
                    "fetch blob",
                    r.uri(),
                    "blob verification failed for " + descriptor.digest() + ": got " + bytes.length
                            + " bytes with digest " + computed);
        }
        return bytes;
    }

    private URI manifestUri(String reference) {
        return base.resolve("/v2/" + repository.repository() + "/manifests/" + reference);
    }

    private static void expect(RegistryTransport.Response r, int status, String action) {
        if (r.status() != status) {
            throw RegistryErrors.response(action, r);
        }
    }

    /**
     * Sends with the best authorization known for this endpoint; on a 401 learns the challenge, authenticates and
     * retries once. A Bearer token refused with {@code insufficient_scope} means access is denied.
     */
    RegistryTransport.Response call(
            String method,
            URI uri,
            Map<String, String> headers,
            byte @Nullable [] body,
            long maxBytes,
            String what,
            String actions) {
        return call(new RegistryTransport.Request(method, uri, headers, body), maxBytes, what, actions);
    }

    /**
     * Sends {@code request} (its headers without Authorization; a streamed body is re-opened for the retry) with
     * token scope {@code repository:<this repository>:<actions>} ({@code pull}, or {@code pull,push}).
     */
    RegistryTransport.Response call(RegistryTransport.Request request, long maxBytes, String what, String actions) {
        return callWithScope(request, maxBytes, what, repository.scope(actions));
    }

    /**
     * Sends with a token for {@code scope}: one or more space-separated scopes (a cross-repository mount also needs
     * {@code repository:<from>:pull}), requested as repeated {@code scope} parameters.
     */
    RegistryTransport.Response callWithScope(
            RegistryTransport.Request request, long maxBytes, String what, String scope) {
        if (!RegistryTransport.sameAuthority(base, request.uri())) {
            // An upload Location on another host (a storage backend) gets no credentials of ours.
            return transport.send(authorized(request, null), maxBytes, what, trusted);
        }
        AuthChallenge known = challenges.get(base);
        String authorization = known == null ? null : authorization(known, scope, false);
        RegistryTransport.Response response =
                transport.send(authorized(request, authorization), maxBytes, what, trusted);
        if (response.status() != 401) {
            return response;
        }
        AuthChallenge challenge =
                AuthChallenge.parse(response.header("WWW-Authenticate")).orElse(null);
        if (challenge == null) {
            return response;
        }
        challenges.put(base, challenge);
        deniedIfInsufficientScope(authorization, challenge);
        if (authorization != null && !authorization.startsWith("Bearer ") && challenge.isBasic()) {
            return response; // Basic credentials were refused: nothing else to try.
        }
        String retry = authorization(challenge, scope, true);
        if (retry == null) {
            return response;
        }
        response = transport.send(authorized(request, retry), maxBytes, what, trusted);
        if (response.status() == 401) {
            AuthChallenge again =
                    AuthChallenge.parse(response.header("WWW-Authenticate")).orElse(challenge);
            deniedIfInsufficientScope(retry, again);
        }
        return response;
    }

    /** The registry's base URI ({@code http://127.0.0.1:5000}). */
    URI base() {
        return base;
    }

    /** The repository this client acts on (no tag or digest). */
    ImageReference repository() {
        return repository;
    }

    private static void deniedIfInsufficientScope(@Nullable String authorization, AuthChallenge challenge) {
        if (authorization != null
                && authorization.startsWith("Bearer ")
                && "insufficient_scope".equals(challenge.error())) {
            throw RegistryException.of(
                    RegistryException.Failure.DENIED,
                    "authorize",
                    null,
                    "denied: requested access to the resource is denied",
                    null);
        }
    }

    private static RegistryTransport.Request authorized(
            RegistryTransport.Request request, @Nullable String authorization) {
        Map<String, String> all = new LinkedHashMap<>(request.headers());
        all.keySet().removeIf(h -> h.equalsIgnoreCase("Authorization"));
        if (authorization != null) {
            all.put("Authorization", authorization);
        }
        return request.withHeaders(all);
    }

    /** The Authorization value for a challenge, or null when nothing can be sent. */
    private @Nullable String authorization(AuthChallenge challenge, String scope, boolean fresh) {
        if (challenge.isBasic()) {
            return credentials instanceof RegistryCredentials.Basic basic ? basic.header() : null;
        }
        if (!challenge.isBearer() || challenge.realm().isEmpty()) {
            return null;
        }
        TokenCache.Key key =
                new TokenCache.Key(challenge.realm(), challenge.service(), scope, credentials.cacheIdentity());
        if (!fresh) {
            Optional<String> cached = tokens.find(key);
            if (cached.isPresent()) {
                return "Bearer " + cached.get();
            }
        }
        return "Bearer " + tokenServer.fetch(challenge, scope, key);
    }
}
