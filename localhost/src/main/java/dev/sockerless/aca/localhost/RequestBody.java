package dev.sockerless.aca.localhost;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What the Functions host forwards of a request body to the Java worker, and how the worker converts it to the
 * declared {@code HttpRequestMessage<T>} body type.
 *
 * <p>Host ({@code Azure/azure-functions-host src/WebJobs.Script.Grpc/MessageExtensions/GrpcMessageConversionExtensions.cs},
 * {@code ToRpcHttp}/{@code PopulateBody}; the Java worker declares {@code RpcHttpBodyOnly}, not {@code RawHttpBodyBytes}):
 * a body is forwarded only when {@code Content-Length > 0} (chunked and empty requests forward nothing); as bytes
 * when the media type is {@code application/octet-stream} or contains {@code multipart/}, ignoring case
 * ({@code IsMediaTypeOctetOrMultipart}, {@code src/WebJobs.Script/Extensions/HttpRequestExtensions.cs}); otherwise as
 * a string read by a UTF-8 {@code StreamReader} with byte-order-mark detection ({@code ReadAsStringAsync},
 * {@code Azure/azure-webjobs-sdk-extensions src/WebJobs.Extensions.Http/Extensions/HttpRequestExtensions.cs}):
 * invalid sequences become U+FFFD. The trigger's {@code dataType} plays no part.
 *
 * <p>Worker ({@code Azure/azure-functions-java-worker src/main/java/com/microsoft/azure/functions/worker/binding/}
 * {@code RpcByteArrayDataSource.java}, {@code RpcStringDataSource.java}, {@code DataOperations.java}): bytes become a
 * {@code byte[]} copy, or {@code new String(bytes)} in the JVM's default charset; a string is a {@code String} as is,
 * and a string requested as {@code byte[]} goes through Gson JSON ({@code RpcJsonDataSource.java}), which fails with a
 * {@code ClassCastException} before the function runs (java-worker #596): the host answers an empty 500. Gson would
 * turn a JSON number array into bytes; the local host refuses every string-to-{@code byte[]} binding, which is
 * stricter.
 */
final class RequestBody {

    private RequestBody() {}

    /** The binding failed before the function ran (the worker's ClassCastException). */
    static final class BindingFailure extends Exception {
        private static final long serialVersionUID = 1L;

        BindingFailure(String message) {
            super(message);
        }
    }

    /** Whether the host forwards the body as bytes ({@code IsMediaTypeOctetOrMultipart}). */
    static boolean forwardsBytes(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        String mediaType =
                (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        return mediaType.equals("application/octet-stream") || mediaType.contains("multipart/");
    }

    /**
     * The forwarded value of a body read because of a positive Content-Length: the bytes themselves, or their text.
     */
    static Object forwarded(byte[] body, String contentType) {
        return forwardsBytes(contentType) ? body : decodeText(body);
    }

    /**
     * .NET's {@code StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true)}: a UTF-32/UTF-16/UTF-8
     * byte-order mark picks the encoding and is dropped; invalid sequences become U+FFFD.
     */
    static String decodeText(byte[] b) {
        Charset charset = StandardCharsets.UTF_8;
        int skip = 0;
        if (startsWith(b, 0x00, 0x00, 0xFE, 0xFF)) {
            charset = Charset.forName("UTF-32BE");
            skip = 4;
        } else if (startsWith(b, 0xFF, 0xFE, 0x00, 0x00)) {
            charset = Charset.forName("UTF-32LE");
            skip = 4;
        } else if (startsWith(b, 0xEF, 0xBB, 0xBF)) {
            skip = 3;
        } else if (startsWith(b, 0xFE, 0xFF)) {
            charset = StandardCharsets.UTF_16BE;
            skip = 2;
        } else if (startsWith(b, 0xFF, 0xFE)) {
            charset = StandardCharsets.UTF_16LE;
            skip = 2;
        }
        try {
            return charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .replaceWith("\uFFFD")
                    .decode(ByteBuffer.wrap(b, skip, b.length - skip))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException("a replacing decoder cannot fail", e);
        }
    }

    private static boolean startsWith(byte[] b, int... prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((b[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Converts the forwarded value to the declared body type as the worker does.
     *
     * @param value    {@code byte[]}, {@code String} or {@code null} (nothing forwarded)
     * @param bodyType {@code byte[].class}, {@code String.class} or {@code null} (untyped: the value as is)
     */
    static @Nullable Object convert(@Nullable Object value, @Nullable Class<?> bodyType) throws BindingFailure {
        if (value == null || bodyType == null) {
            return value instanceof byte[] bytes ? Arrays.copyOf(bytes, bytes.length) : value;
        }
        if (value instanceof byte[] bytes) {
            return bodyType == byte[].class
                    ? Arrays.copyOf(bytes, bytes.length)
                    : new String(bytes, Charset.defaultCharset());
        }
        if (bodyType == String.class) {
            return value;
        }
        throw new BindingFailure("Cannot convert a string body (Content-Type other than application/octet-stream or "
                + "multipart/*) to byte[]: the Java worker fails this binding with a ClassCastException");
    }
}
