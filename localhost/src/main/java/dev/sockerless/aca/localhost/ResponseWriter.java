package dev.sockerless.aca.localhost;

import com.microsoft.azure.functions.HttpResponseMessage;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Writes a function's response as the host and Kestrel write it, all at once after the function returned (no
 * streaming for Java: {@code Azure/azure-functions-java-worker …/binding/RpcHttpDataTarget.java}).
 *
 * <ul>
 *   <li>Headers: one value per name (the worker's map), copied (host
 *   {@code src/WebJobs.Script/Binding/Http/RawScriptResult.cs}); {@code Date} always, {@code Server: Kestrel} unless
 *   the function set one (Kestrel {@code HttpProtocol.cs}).</li>
 *   <li>Content-Type: a {@code byte[]} body is written raw with no type unless set
 *   ({@code ByteArrayOutputFormatter.cs}); a String or empty body goes through {@code StringOutputFormatter}:
 *   {@code text/plain; charset=utf-8}, or the set type with its charset replaced by UTF-8.</li>
 *   <li>Framing (Kestrel {@code HttpProtocol.cs}): without a function {@code Content-Length} a body goes out
 *   {@code Transfer-Encoding: chunked}; an empty one gets {@code Content-Length: 0}; none for HEAD, 204 and 304.
 *   HEAD drops the body. A function {@code Content-Length} is used and must equal the body length: Kestrel answers
 *   500 for too many bytes and aborts the connection for too few; the local host answers an empty 500 for both
 *   (stricter), as for any body, {@code Content-Length} or {@code Transfer-Encoding} on 204/304.</li>
 *   <li>A function {@code Transfer-Encoding} is passed through and the body written without chunk framing
 *   (dotnet/aspnetcore #51529), so clients read a malformed chunked body, as on Azure. The JDK server cannot write a
 *   non-empty body without framing, so it also sends a {@code Content-Length}; HTTP/1.1 clients ignore it beside
 *   {@code Transfer-Encoding} (RFC 9112 §6.3) and fail just the same.</li>
 * </ul>
 */
final class ResponseWriter {

    static final String SERVER = "Kestrel";
    private static final Logger LOG = Logger.getLogger(ResponseWriter.class.getName());
    /** Headers read from a foreign {@link HttpResponseMessage} that is not a {@link LocalHttpResponse}. */
    private static final List<String> KNOWN_HEADERS = List.of(
            "Content-Type",
            "Content-Length",
            "Transfer-Encoding",
            "Location",
            "Api-Version",
            "Ostype",
            "Server",
            "Docker-Experimental",
            "Cache-Control",
            "Pragma",
            "Builder-Version",
            "Swarm",
            "ETag",
            "Docker-Content-Digest",
            "Content-Encoding",
            "Retry-After");

    private ResponseWriter() {}

    /** Writes {@code response}; returns the status sent (500 when the response cannot be written as it is). */
    static int write(HttpExchange ex, HttpResponseMessage response, boolean head, String function) throws IOException {
        int status = response.getStatusCode();
        Object bodyObject = response.getBody();
        byte[] body;
        boolean text;
        if (bodyObject == null) {
            body = new byte[0];
            text = true;
        } else if (bodyObject instanceof byte[] b) {
            body = b;
            text = false;
        } else {
            // String (or an object the worker would serialise; the local host only knows its text form)
            body = bodyObject.toString().getBytes(StandardCharsets.UTF_8);
            text = true;
        }
        String contentLength = null;
        String transferEncoding = null;
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (Map.Entry<String, String> e : headers(response)) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("content-length")) {
                contentLength = e.getValue();
            } else if (name.equals("transfer-encoding")) {
                transferEncoding = e.getValue();
            } else {
                headers.add(e);
            }
        }
        boolean noBodyStatus = (status >= 100 && status < 200) || status == 204 || status == 304;
        String problem = null;
        if (head && transferEncoding != null) {
            problem = "Transfer-Encoding on a HEAD response";
        } else if (noBodyStatus
                && (body.length > 0
                        || transferEncoding != null
                        || (contentLength != null && !contentLength.trim().equals("0")))) {
            problem = "a body, Content-Length or Transfer-Encoding on a " + status + " response";
        } else if (contentLength != null
                && transferEncoding == null
                && !noBodyStatus
                && !contentLength.trim().equals(Integer.toString(body.length))) {
            problem = "Content-Length " + contentLength + " but a body of " + body.length + " bytes";
        }
        if (problem != null) {
            LOG.severe("function " + function + ": " + problem + ": 500");
            FunctionHttpHandler.empty(ex, 500, false);
            return 500;
        }
        Headers out = ex.getResponseHeaders();
        for (Map.Entry<String, String> e : headers) {
            out.set(e.getKey(), e.getValue());
        }
        if (!out.containsKey("Server")) {
            out.set("Server", SERVER);
        }
        if (text) {
            out.set("Content-Type", utf8(out.getFirst("Content-Type")));
        }
        if (noBodyStatus) {
            ex.sendResponseHeaders(status, -1);
        } else if (head) {
            if (contentLength != null) {
                out.set("Content-Length", contentLength.trim());
            }
            if (transferEncoding != null) {
                out.set("Transfer-Encoding", transferEncoding);
            }
            ex.sendResponseHeaders(status, -1); // the JDK server adds no Content-Length for HEAD, as Kestrel
        } else if (transferEncoding != null) {
            out.set("Transfer-Encoding", transferEncoding);
            sendFixed(ex, status, body);
        } else if (contentLength != null || body.length == 0) {
            sendFixed(ex, status, body);
        } else {
            ex.sendResponseHeaders(status, 0); // chunked
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
        return status;
    }

    private static void sendFixed(HttpExchange ex, int status, byte[] body) throws IOException {
        if (body.length == 0) {
            ex.sendResponseHeaders(status, -1); // Content-Length: 0
            return;
        }
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
        }
    }

    /** The StringOutputFormatter's type: the set media type (default text/plain) with {@code charset=utf-8}. */
    static String utf8(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return FunctionHttpHandler.TEXT_UTF8;
        }
        StringBuilder b = new StringBuilder();
        for (String part : contentType.split(";", -1)) {
            String p = part.trim();
            if (p.isEmpty() || p.toLowerCase(Locale.ROOT).startsWith("charset=")) {
                continue;
            }
            b.append(b.length() == 0 ? "" : "; ").append(p);
        }
        return b.append("; charset=utf-8").toString();
    }

    private static List<Map.Entry<String, String>> headers(HttpResponseMessage response) {
        if (response instanceof LocalHttpResponse local) {
            return local.headers();
        }
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (String name : KNOWN_HEADERS) {
            String v = response.getHeader(name);
            if (v != null) {
                out.add(Map.entry(name, v));
            }
        }
        return out;
    }
}
