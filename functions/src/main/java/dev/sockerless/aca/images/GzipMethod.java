package dev.sockerless.aca.images;

/**
 * How the app gzips a layer: the deflate level, and whether ISA-L ({@link IsalDeflate}) does the deflating. The two
 * write different (each deterministic) bytes for the same layer, which {@link #format()} names.
 *
 * @param level 1..9
 * @param isal  ISA-L deflates the compressible chunks, each chunk its own gzip member (only at levels 1 and 2, the
 *              levels ISA-L runs in GKL); otherwise the JDK, chunks chained by dictionaries in one member
 */
public record GzipMethod(int level, boolean isal) {

    public GzipMethod {
        if (level < 1 || level > 9) {
            throw new IllegalArgumentException("gzip level must be 1..9");
        }
        if (isal && level > 2) {
            throw new IllegalArgumentException("ISA-L runs at gzip levels 1 and 2 only");
        }
        if (isal && !IsalDeflate.available()) {
            throw new IllegalArgumentException("ISA-L is not available on this machine");
        }
    }

    /** ISA-L where allowed, at levels 1 and 2, and loaded on this machine; the JDK otherwise. */
    public static GzipMethod of(int level, boolean isalAllowed) {
        return new GzipMethod(level, isalAllowed && level <= 2 && IsalDeflate.available());
    }

    /**
     * The version of the bytes this method writes for a given input: change it whenever they change (chunking,
     * dictionary, stored-block rule, header, library), so that remembered digests ({@link GzippedLayer}) of the old
     * output are not taken for the new. {@code pgz1} (JDK) and {@code pgz2-...} (ISA-L) stored a chunk by the entropy
     * of all its bytes; {@code pgz3} and {@code pgz4-...} by that of a sample ({@link ParallelGzip#incompressible}),
     * so a chunk mixing random and text bytes can be stored by one and deflated by the other.
     * {@code ParallelGzipTest.theJdkFormatWritesTheBytesItAlwaysWrote} holds the JDK's name to its bytes.
     */
    public String format() {
        return isal ? "pgz4-" + IsalDeflate.VERSION : "pgz3";
    }
}
