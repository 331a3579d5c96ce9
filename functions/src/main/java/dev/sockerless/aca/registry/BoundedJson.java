package dev.sockerless.aca.registry;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * JSON trees whose size is bounded by their number of values, not only by their bytes: a few megabytes of
 * {@code [{},{},…]} become millions of nodes (hundreds of megabytes of heap) in a tree. The document is first
 * streamed (no tree) counting its tokens; only a document within {@link #MAX_TOKENS} is turned into a tree.
 */
public final class BoundedJson {

    /** Most JSON tokens (values, object and array starts and ends, field names) in one document. */
    public static final int MAX_TOKENS = 200_000;

    /** The document is over {@link #MAX_TOKENS}. */
    public static final class TooManyValues extends IOException {
        private static final long serialVersionUID = 1L;

        TooManyValues() {
            super("more than " + MAX_TOKENS + " JSON values (the limit)");
        }
    }

    private BoundedJson() {}

    /** The tree of {@code raw} (null for an empty document), refusing one with too many tokens. */
    public static JsonNode readTree(ObjectMapper mapper, byte[] raw) throws IOException {
        try (JsonParser p = mapper.getFactory().createParser(raw)) {
            int tokens = 0;
            while (p.nextToken() != null) {
                if (++tokens > MAX_TOKENS) {
                    throw new TooManyValues();
                }
            }
        }
        return mapper.readTree(raw);
    }
}
