package dev.sockerless.aca.blobs;

import dev.sockerless.aca.errors.DockerApiException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which blob URLs {@code fromBlob=} may name, decided without any request: {@code https} only — plain {@code http}
 * only for the state storage connection's own http endpoint (Azurite) —, on an allowed account (the state storage
 * connection's blob endpoint or a host of {@code SOCKERLESS_LOAD_BLOB_ACCOUNTS}), in the uploads container, with a
 * blob name without {@code .}/{@code ..} or empty segments, and no query (a SAS), fragment or user info.
 */
final class BlobUrlPolicy {

    private static final Pattern CONTAINER = Pattern.compile("\\$root|[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]");
    private static final Pattern HOST =
            Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+");
    private static final int MAX_BLOB_NAME = 1024;

    /** An allowed blob endpoint: scheme, host, port and the account path (Azurite's) a URL must start with. */
    private record Endpoint(String scheme, String host, int port, String pathPrefix, boolean own) {

        static Endpoint of(URI uri, boolean own) {
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            String path = uri.getPath() == null ? "" : uri.getPath();
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            return new Endpoint(
                    scheme, uri.getHost().toLowerCase(Locale.ROOT), effectivePort(scheme, uri.getPort()), path, own);
        }

        boolean matches(String scheme, String host, int port) {
            return this.scheme.equals(scheme) && this.host.equals(host) && this.port == port;
        }

        String origin() {
            boolean defaultPort = port == (scheme.equals("https") ? 443 : 80);
            return scheme + "://" + host + (defaultPort ? "" : ":" + port);
        }

        String base() {
            return origin() + pathPrefix;
        }
    }

    private final List<Endpoint> endpoints;
    private final String uploads;
    private final String uploadsSetting;

    /**
     * @param ownEndpoint    the state storage connection's blob endpoint (always allowed, http included)
     * @param allowedHosts   further blob hosts, reached over https; a malformed entry is a configuration error
     * @param settingName    the setting the hosts come from, for messages
     * @param uploads        the one container blobs are read from, in every allowed account
     * @param uploadsSetting the setting naming it, for messages
     */
    BlobUrlPolicy(
            URI ownEndpoint, List<String> allowedHosts, String settingName, String uploads, String uploadsSetting) {
        if (uploads == null || !CONTAINER.matcher(uploads).matches() || uploads.equals("$root")) {
            throw DockerApiException.system(
                    "configuration: " + uploadsSetting + " " + uploads + " is not a valid blob container name", null);
        }
        this.uploads = uploads;
        this.uploadsSetting = uploadsSetting;
        List<Endpoint> list = new ArrayList<>();
        list.add(Endpoint.of(ownEndpoint, true));
        for (String entry : allowedHosts) {
            String host = entry.trim().toLowerCase(Locale.ROOT);
            if (host.startsWith("https://")) {
                host = host.substring("https://".length());
            }
            while (host.endsWith("/")) {
                host = host.substring(0, host.length() - 1);
            }
            if (!HOST.matcher(host).matches()) {
                throw DockerApiException.system(
                        "configuration: " + settingName + " has a malformed entry '" + entry
                                + "': expected a blob host such as myaccount.blob.core.windows.net",
                        null);
            }
            list.add(new Endpoint("https", host, 443, "", false));
        }
        this.endpoints = List.copyOf(list);
    }

    /** The blob {@code url} names, or why it may not be read: an invalid-parameter or forbidden error. */
    BlobLocation locate(String url) {
        if (url == null || url.isBlank()) {
            throw DockerApiException.invalid("fromBlob is empty: give the https URL of the archive blob");
        }
        String shown = withoutQuery(url.trim());
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (java.net.URISyntaxException e) {
            throw DockerApiException.invalid("fromBlob " + shown + " is not a valid URL");
        }
        if (uri.getRawQuery() != null) {
            throw DockerApiException.invalid("fromBlob " + shown + ": query parameters (such as a SAS token) are not"
                    + " accepted; the blob is read with the app's identity");
        }
        if (uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw DockerApiException.invalid(
                    "fromBlob " + shown + ": a URL with a fragment or user info is not accepted");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
            throw DockerApiException.invalid("fromBlob " + shown + " is not an https:// URL");
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        int port = effectivePort(scheme, uri.getPort());
        Endpoint endpoint = endpoints.stream()
                .filter(e -> e.matches(scheme, host, port))
                .findFirst()
                .orElse(null);
        if (endpoint == null) {
            if (scheme.equals("http")) {
                throw DockerApiException.invalid("fromBlob " + shown + ": plain http is accepted only for the"
                        + " configured storage account's own http endpoint (Azurite); use https");
            }
            throw DockerApiException.forbidden("fromBlob " + shown + ": storage account " + host + " is not allowed;"
                    + " the operator allows the state storage account and SOCKERLESS_LOAD_BLOB_ACCOUNTS");
        }
        String raw = uri.getRawPath() == null ? "" : uri.getRawPath();
        String lowerRaw = raw.toLowerCase(Locale.ROOT);
        if (lowerRaw.contains("%2f") || lowerRaw.contains("%5c") || lowerRaw.contains("%00")) {
            throw DockerApiException.invalid(
                    "fromBlob " + shown + ": encoded slashes, backslashes or NUL in the path" + " are not accepted");
        }
        String path = uri.getPath();
        if (!path.startsWith(endpoint.pathPrefix() + "/")) {
            throw DockerApiException.invalid(
                    "fromBlob " + shown + " does not name a blob of account " + endpoint.base());
        }
        String rest = path.substring(endpoint.pathPrefix().length() + 1);
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            throw DockerApiException.invalid(
                    "fromBlob " + shown + " does not name a blob: expected " + endpoint.base() + "/<container>/<blob>");
        }
        String container = rest.substring(0, slash);
        String blob = rest.substring(slash + 1);
        if (!CONTAINER.matcher(container).matches()) {
            throw DockerApiException.invalid("fromBlob " + shown + ": " + container + " is not a valid container name");
        }
        checkBlobName(blob, shown);
        if (!container.equals(uploads)) {
            throw DockerApiException.forbidden("fromBlob " + shown + ": only blobs of the uploads container '" + uploads
                    + "' are read (" + uploadsSetting + "), not of '" + container + "'");
        }
        return new BlobLocation(endpoint.base(), container, blob, endpoint.origin() + raw, endpoint.own());
    }

    private static void checkBlobName(String blob, String shown) {
        if (blob.length() > MAX_BLOB_NAME) {
            throw DockerApiException.invalid(
                    "fromBlob " + shown + ": the blob name is longer than " + MAX_BLOB_NAME + " characters");
        }
        for (int i = 0; i < blob.length(); i++) {
            char c = blob.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\') {
                throw DockerApiException.invalid(
                        "fromBlob " + shown + ": the blob name holds a control character or" + " a backslash");
            }
        }
        for (String segment : blob.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw DockerApiException.invalid(
                        "fromBlob " + shown + ": the blob name has an empty, '.' or '..'" + " segment");
            }
        }
    }

    private static int effectivePort(String scheme, int port) {
        return port >= 0 ? port : scheme.equals("https") ? 443 : 80;
    }

    /** The URL up to its query or fragment, without user info: what messages may show (a SAS never appears). */
    static String withoutQuery(String url) {
        int scheme = url.indexOf("://");
        if (scheme >= 0) {
            int hostEnd = url.indexOf('/', scheme + 3);
            int at = url.lastIndexOf('@', hostEnd < 0 ? url.length() - 1 : hostEnd);
            if (at > scheme) {
                url = url.substring(0, scheme + 3) + url.substring(at + 1);
            }
        }
        int cut = url.length();
        for (char c : new char[] {'?', '#'}) {
            int i = url.indexOf(c);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        return url.substring(0, cut);
    }
}
