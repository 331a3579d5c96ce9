package dev.sockerless.aca.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process token service mimicking Docker Hub's {@code auth.docker.io}, for a {@link RegistryServer#tokenAuth}
 * registry. Serves {@code GET /token?service=&scope=[&scope=]} (optional Basic auth) and the OAuth form
 * {@code POST /token} ({@code grant_type=password} or {@code grant_type=refresh_token}), and issues ES256 JWTs
 * signed by an EC P-256 key whose self-signed certificate is written to {@link #bundlePath()}.
 *
 * <p>Access policy: repositories registered with {@link Builder#publicRepository} may be pulled by anyone and
 * written by the listed users; {@link Builder#privateRepository} ones are readable and writable only by the listed
 * users. Unlisted repositories behave as public, writable by any authenticated user. Only the allowed subset of the
 * requested actions is granted, so anonymous access to a private repository yields an empty access list and the
 * registry answers 401 {@code insufficient_scope}. Wrong credentials get 401. Requests are counted and recorded
 * without passwords.
 */
public final class TokenServer implements AutoCloseable {

    /** How the JWT header references the signing key; both are accepted by docker-registry 2.8.2. */
    public enum KeyReference {
        X5C,
        KID
    }

    /** Which token fields the JSON reply carries; clients must accept either. */
    public enum Reply {
        BOTH,
        TOKEN_ONLY,
        ACCESS_TOKEN_ONLY
    }

    /**
     * One request as seen by the server.
     *
     * @param method        HTTP method
     * @param query         the query string (GET) or form (POST) with {@code password}/{@code refresh_token} removed
     * @param scopes        the requested scopes
     * @param authorization whether an {@code Authorization} header was sent
     * @param username      the authenticated user, or {@code null}
     * @param status        the status answered
     */
    public record Request(
            String method, String query, List<String> scopes, boolean authorization, String username, int status) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile KeyMaterial keyMaterial;

    private record KeyMaterial(PrivateKey key, X509Certificate cert, String kid) {}

    private record Rule(boolean isPublic, Set<String> writers, boolean anyUserWrites) {}

    private final Builder config;
    private final HttpServer server;
    private final Path dir;
    private final Path bundle;
    private final KeyMaterial keys;
    private final AtomicInteger count = new AtomicInteger();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private TokenServer(Builder b) {
        this.config = b;
        this.keys = keyMaterial();
        try {
            dir = Files.createTempDirectory("token-server-");
            bundle = dir.resolve("bundle.pem");
            Files.writeString(bundle, pem(keys.cert()), StandardCharsets.US_ASCII);
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/token", this::handle);
        server.start();
    }

    /** A builder with service {@code registry.test}, issuer {@code test-issuer}, x5c keys, 300 s tokens. */
    public static Builder builder() {
        return new Builder();
    }

    /** Configuration of a {@link TokenServer}. */
    public static final class Builder {
        private String service = "registry.test";
        private String issuer = "test-issuer";
        private int expiresIn = 300;
        private KeyReference keyReference = KeyReference.X5C;
        private Reply reply = Reply.BOTH;
        private final Map<String, String> users = new LinkedHashMap<>();
        private final Map<String, String> identityTokens = new LinkedHashMap<>();
        private final Map<String, Rule> repositories = new LinkedHashMap<>();

        private Builder() {}

        /** The JWT audience and {@code service} (e.g. {@code registry.docker.io}). */
        public Builder service(String service) {
            this.service = service;
            return this;
        }
        /** The JWT issuer (e.g. {@code auth.docker.io}). */
        public Builder issuer(String issuer) {
            this.issuer = issuer;
            return this;
        }
        /** {@code expires_in} and token lifetime in seconds. */
        public Builder expiresIn(int seconds) {
            this.expiresIn = seconds;
            return this;
        }

        public Builder keyReference(KeyReference ref) {
            this.keyReference = ref;
            return this;
        }

        public Builder reply(Reply reply) {
            this.reply = reply;
            return this;
        }
        /** Adds a user with a password. */
        public Builder user(String username, String password) {
            users.put(username, password);
            return this;
        }
        /** Registers an identity (refresh) token for {@code username}, usable with {@code grant_type=refresh_token}. */
        public Builder identityToken(String username, String refreshToken) {
            identityTokens.put(refreshToken, username);
            return this;
        }
        /** Anyone may pull; the listed users may also push/delete. */
        public Builder publicRepository(String name, String... writers) {
            repositories.put(name, new Rule(true, Set.of(writers), false));
            return this;
        }
        /** Only the listed users may pull, push and delete. */
        public Builder privateRepository(String name, String... members) {
            repositories.put(name, new Rule(false, Set.of(members), false));
            return this;
        }
        /** Starts the server on {@code 127.0.0.1:0}. */
        public TokenServer start() {
            return new TokenServer(this);
        }
    }

    // ---------------------------------------------------------------- accessors

    /** The realm URL, {@code http://127.0.0.1:PORT/token}. */
    public String tokenUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    public String service() {
        return config.service;
    }

    public String issuer() {
        return config.issuer;
    }

    /** PEM file with the signing certificate, for the registry's {@code rootcertbundle}. */
    public Path bundlePath() {
        return bundle;
    }

    /** Number of requests received so far. */
    public int requestCount() {
        return count.get();
    }

    /** The requests received so far, oldest first. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Forgets counted and recorded requests. */
    public void reset() {
        count.set(0);
        requests.clear();
    }

    /**
     * Signs a token for {@code access} entries ({@code {"type","name","actions"}}) with arbitrary lifetime; for tests
     * that need a token without a request.
     */
    public String issue(String subject, List<Map<String, Object>> access, long expiresInSeconds) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", config.issuer);
        claims.put("sub", subject == null ? "" : subject);
        claims.put("aud", config.service);
        claims.put("exp", now + expiresInSeconds);
        claims.put("nbf", now - 1);
        claims.put("iat", now);
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("access", access);
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("typ", "JWT");
        header.put("alg", "ES256");
        try {
            if (config.keyReference == KeyReference.X5C) {
                header.put(
                        "x5c",
                        List.of(Base64.getEncoder().encodeToString(keys.cert().getEncoded())));
            } else {
                header.put("kid", keys.kid());
            }
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            String input = b64.encodeToString(JSON.writeValueAsBytes(header)) + "."
                    + b64.encodeToString(JSON.writeValueAsBytes(claims));
            Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
            s.initSign(keys.key());
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + b64.encodeToString(s.sign());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- HTTP

    private void handle(HttpExchange ex) throws IOException {
        count.incrementAndGet();
        String method = ex.getRequestMethod();
        boolean hasAuth = ex.getRequestHeaders().getFirst("Authorization") != null;
        Map<String, List<String>> params;
        String recordQuery;
        if ("POST".equals(method)) {
            String form = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            params = parseQuery(form);
            Map<String, List<String>> safe = new LinkedHashMap<>(params);
            safe.remove("password");
            safe.remove("refresh_token");
            recordQuery = encode(safe);
        } else {
            String q = ex.getRequestURI().getRawQuery();
            params = parseQuery(q);
            recordQuery = q == null ? "" : q;
        }
        List<String> scopes = new ArrayList<>();
        for (String s : params.getOrDefault("scope", List.of())) {
            for (String part : s.split(" ")) {
                if (!part.isBlank()) scopes.add(part);
            }
        }

        String user = null;
        int status;
        Object body;
        try {
            user = authenticate(ex, method, params);
            if (!"GET".equals(method) && !"POST".equals(method)) {
                status = 405;
                body = Map.of("details", "method not allowed");
            } else {
                status = 200;
                body = grant(user, scopes, params);
            }
        } catch (AuthFailure f) {
            status = 401;
            body = Map.of("details", f.getMessage());
        }
        requests.add(new Request(method, recordQuery, List.copyOf(scopes), hasAuth, user, status));
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    private static final class AuthFailure extends Exception {
        AuthFailure(String message) {
            super(message, null, false, false);
        }
    }

    /** The authenticated user, {@code null} for anonymous; throws on bad credentials. */
    private String authenticate(HttpExchange ex, String method, Map<String, List<String>> params) throws AuthFailure {
        if ("POST".equals(method)) {
            String grant = first(params, "grant_type");
            if ("refresh_token".equals(grant)) {
                String user = config.identityTokens.get(first(params, "refresh_token"));
                if (user == null) throw new AuthFailure("invalid refresh token");
                return user;
            }
            if ("password".equals(grant)) {
                return check(first(params, "username"), first(params, "password"));
            }
            throw new AuthFailure("unsupported grant_type " + grant);
        }
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header == null) return null;
        if (!header.regionMatches(true, 0, "Basic ", 0, 6)) throw new AuthFailure("unsupported authorization");
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new AuthFailure("malformed basic credentials");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) throw new AuthFailure("malformed basic credentials");
        return check(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    private String check(String user, String password) throws AuthFailure {
        if (user == null || password == null || !password.equals(config.users.get(user))) {
            throw new AuthFailure("incorrect username or password");
        }
        return user;
    }

    private Map<String, Object> grant(String user, List<String> scopes, Map<String, List<String>> params) {
        List<Map<String, Object>> access = new ArrayList<>();
        for (String scope : scopes) {
            int first = scope.indexOf(':');
            int last = scope.lastIndexOf(':');
            if (first < 0 || last == first) continue;
            String type = scope.substring(0, first);
            String name = scope.substring(first + 1, last);
            List<String> actions =
                    allowed(user, type, name, List.of(scope.substring(last + 1).split(",")));
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("type", type);
            entry.put("name", name);
            entry.put("actions", actions);
            access.add(entry);
        }
        String token = issue(user, access, config.expiresIn);
        Map<String, Object> reply = new LinkedHashMap<>();
        if (config.reply != Reply.ACCESS_TOKEN_ONLY) reply.put("token", token);
        if (config.reply != Reply.TOKEN_ONLY) reply.put("access_token", token);
        reply.put("expires_in", config.expiresIn);
        reply.put("issued_at", Instant.now().toString());
        if (user != null
                && ("true".equals(first(params, "offline_token")) || "offline".equals(first(params, "access_type")))) {
            config.identityTokens.entrySet().stream()
                    .filter(e -> e.getValue().equals(user))
                    .findFirst()
                    .ifPresent(e -> reply.put("refresh_token", e.getKey()));
        }
        return reply;
    }

    private List<String> allowed(String user, String type, String name, List<String> requested) {
        Set<String> granted = new LinkedHashSet<>();
        if ("registry".equals(type) && "catalog".equals(name)) {
            if (user != null && requested.contains("*")) granted.add("*");
        } else if ("repository".equals(type)) {
            Rule rule = config.repositories.getOrDefault(name, new Rule(true, Set.of(), true));
            boolean member =
                    user != null && (rule.anyUserWrites() || rule.writers().contains(user));
            for (String action : requested) {
                boolean ok = "pull".equals(action)
                        ? rule.isPublic() || member
                        : Set.of("push", "delete", "*").contains(action) && member;
                if (ok) granted.add(action);
            }
        }
        return List.copyOf(granted);
    }

    private static String first(Map<String, List<String>> params, String key) {
        List<String> v = params.get(key);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    static Map<String, List<String>> parseQuery(String query) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) return out;
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    private static String encode(Map<String, List<String>> params) {
        List<String> parts = new ArrayList<>();
        params.forEach((k, vs) -> vs.forEach(v -> parts.add(java.net.URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                + java.net.URLEncoder.encode(v, StandardCharsets.UTF_8))));
        return String.join("&", parts);
    }

    @Override
    public void close() {
        server.stop(0);
        RegistryServer.deleteRecursively(dir);
    }

    // ---------------------------------------------------------------- key material

    /** One EC P-256 key and self-signed certificate per JVM, made with {@code keytool} (~1 s). */
    private static KeyMaterial keyMaterial() {
        KeyMaterial k = keyMaterial;
        if (k == null) {
            synchronized (TokenServer.class) {
                k = keyMaterial;
                if (k == null) {
                    k = keyMaterial = generate();
                }
            }
        }
        return k;
    }

    private static KeyMaterial generate() {
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory("token-key-");
            Path p12 = tmp.resolve("token.p12");
            String keytool =
                    Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Process p = new ProcessBuilder(
                            keytool,
                            "-genkeypair",
                            "-alias",
                            "token",
                            "-keyalg",
                            "EC",
                            "-groupname",
                            "secp256r1",
                            "-sigalg",
                            "SHA256withECDSA",
                            "-dname",
                            "CN=sockerless-test-token",
                            "-validity",
                            "3650",
                            "-storetype",
                            "PKCS12",
                            "-keystore",
                            p12.toString(),
                            "-storepass",
                            "changeit",
                            "-keypass",
                            "changeit")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + out);
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(p12)) {
                ks.load(in, "changeit".toCharArray());
            }
            PrivateKey key = (PrivateKey) ks.getKey("token", "changeit".toCharArray());
            X509Certificate cert = (X509Certificate) ks.getCertificate("token");
            return new KeyMaterial(key, cert, libtrustKeyId(cert.getPublicKey().getEncoded()));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot create the token signing key", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            RegistryServer.deleteRecursively(tmp);
        }
    }

    /**
     * libtrust key ID: base32 of the first 30 bytes of SHA-256(DER SubjectPublicKeyInfo), in 12 groups of 4
     * joined by {@code :}.
     */
    static String libtrustKeyId(byte[] spki) throws GeneralSecurityException {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(spki);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder b32 = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (int i = 0; i < 30; i++) {
            buffer = (buffer << 8) | (hash[i] & 0xff);
            bits += 8;
            while (bits >= 5) {
                b32.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        StringBuilder kid = new StringBuilder();
        for (int i = 0; i < b32.length(); i += 4) {
            if (i > 0) kid.append(':');
            kid.append(b32, i, i + 4);
        }
        return kid.toString();
    }

    private static String pem(X509Certificate cert) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(cert.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
