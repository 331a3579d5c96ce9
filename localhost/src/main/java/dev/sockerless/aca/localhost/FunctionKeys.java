package dev.sockerless.aca.localhost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Function keys, enforced as the Functions host does ({@code Azure/azure-functions-host
 * src/WebJobs.Script.WebHost/Security/Authentication/Keys/AuthenticationLevelHandler.cs}, {@code
 * …/KeyManagement/SecretManager.cs}, {@code …/Authorization/AuthUtility.cs}): the key comes from the
 * {@code x-functions-key} header, else from the {@code code} query parameter; {@code anonymous} functions need none
 * (a wrong key is ignored); {@code function} level accepts a key of that function, a host function key or the master
 * key; {@code admin} level only the master key. A failure is an empty 401.
 *
 * <p>Core Tools does not enforce keys locally, and neither does the local host unless {@code SOCKERLESS_LOCAL_KEYS}
 * names a JSON file {@code {"masterKey":"…","functionKeys":{"default":"…"},"functions":{"<FunctionName>":{"<keyName>":
 * "…"}}}}. Key values are never logged.
 */
final class FunctionKeys {

    static final String HEADER = "x-functions-key";

    private final byte @Nullable [] master;
    private final List<byte[]> hostKeys;
    /** Function name (ignoring case, as the host's secrets are per function directory) → its keys. */
    private final Map<String, List<byte[]>> functionKeys;

    private FunctionKeys(byte @Nullable [] master, List<byte[]> hostKeys, Map<String, List<byte[]>> functionKeys) {
        this.master = master;
        this.hostKeys = hostKeys;
        this.functionKeys = functionKeys;
    }

    /** Reads the keys file; throws {@link IllegalArgumentException} naming the file (never a key) when it is invalid. */
    static FunctionKeys load(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("SOCKERLESS_LOCAL_KEYS: cannot read " + file + " as JSON ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("SOCKERLESS_LOCAL_KEYS: " + file + " is not a JSON object");
        }
        JsonNode m = root.path("masterKey");
        byte[] master = m.isTextual() && !m.asText().isEmpty() ? bytes(m.asText()) : null;
        List<byte[]> host = values(root.path("functionKeys"), file, "functionKeys");
        Map<String, List<byte[]>> functions = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        JsonNode fs = root.path("functions");
        if (!fs.isMissingNode() && !fs.isObject()) {
            throw new IllegalArgumentException("SOCKERLESS_LOCAL_KEYS: " + file + ": functions must be an object");
        }
        fs.properties().forEach(e -> functions.put(e.getKey(), values(e.getValue(), file, "functions." + e.getKey())));
        return new FunctionKeys(master, host, functions);
    }

    private static List<byte[]> values(JsonNode node, Path file, String where) {
        List<byte[]> out = new ArrayList<>();
        if (node.isMissingNode()) {
            return out;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException(
                    "SOCKERLESS_LOCAL_KEYS: " + file + ": " + where + " must be an object of key name → value");
        }
        node.properties().forEach(e -> {
            if (!e.getValue().isTextual() || e.getValue().asText().isEmpty()) {
                throw new IllegalArgumentException("SOCKERLESS_LOCAL_KEYS: " + file + ": " + where + "." + e.getKey()
                        + " must be a non-empty string");
            }
            out.add(bytes(e.getValue().asText()));
        });
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The presented key: the {@code x-functions-key} header when it is non-empty, else the {@code code} query value.
     *
     * @param headers request headers, names lower-cased
     */
    static Optional<String> presented(Map<String, String> headers, Map<String, String> query) {
        String header = headers.get(HEADER);
        if (header != null && !header.isEmpty()) {
            return Optional.of(header);
        }
        return Optional.ofNullable(query.get("code")).filter(c -> !c.isEmpty());
    }

    /** Whether a request presenting {@code key} may invoke {@code function}. */
    boolean authorizes(HttpFunction function, Optional<String> key) {
        AuthorizationLevel level = function.authLevel();
        if (level == AuthorizationLevel.ANONYMOUS) {
            return true;
        }
        if (key.isEmpty()) {
            return false;
        }
        byte[] k = bytes(key.get());
        if (master != null && MessageDigest.isEqual(master, k)) {
            return true; // the master key meets every level
        }
        if (level == AuthorizationLevel.ADMIN) {
            return false;
        }
        return anyEqual(hostKeys, k) || anyEqual(functionKeys.getOrDefault(function.name(), List.of()), k);
    }

    private static boolean anyEqual(List<byte[]> keys, byte[] k) {
        boolean found = false;
        for (byte[] candidate : keys) {
            found |= MessageDigest.isEqual(candidate, k); // no early exit: timing does not tell which key matched
        }
        return found;
    }
}
