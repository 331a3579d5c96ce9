package dev.sockerless.aca.images;

import com.intel.gkl.compression.IntelDeflater;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * ISA-L's igzip deflate at its levels 1 and 2, through Intel's Genomics Kernel Library ({@code com.intel.gkl:gkl},
 * MIT; ISA-L is BSD): GKL's {@code IntelDeflater} calls {@code isal_deflate_stateless} through JNI for those levels
 * (Intel-HLS/GKL, {@code src/main/native/compression/IntelDeflater.cc}). On the load row's log-like text it deflates
 * at about four times zlib's level 1 for a smaller result (README, Benchmark).
 *
 * <p>GKL ships its native library for Linux and macOS on x86-64, and extracts it from its jar when first asked. It
 * is loaded here once, on first use, into a directory only this user can read; wherever it cannot load (another
 * architecture or OS, no temp space), {@link #available()} is false and the app deflates with the JDK instead.
 *
 * <p>{@code IntelDeflater} is stateless at these levels: each call deflates one whole input, from offset 0 of its
 * array, into one complete raw deflate stream (last block final) starting at offset 0 of the output array, and
 * reports {@code finished()} only if the whole stream fitted.
 */
final class IsalDeflate {

    /** The library whose bytes this writes: part of the gzip format name, so another version's memo is not taken. */
    static final String VERSION = "gkl-0.8.11";

    private static final Logger LOG = Logger.getLogger(IsalDeflate.class.getName());

    /** One deflater per worker thread and level (1 or 2), reset for each chunk. */
    private static final ThreadLocal<IntelDeflater[]> DEFLATERS = ThreadLocal.withInitial(() -> new IntelDeflater[3]);

    /** The array each thread's deflater writes into (GKL writes from offset 0 only), copied to the caller's after. */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[0]);

    /**
     * The input, copied into an array of this thread's with zeros after it when the caller's array has no room for
     * them: whatever a native loop might read past the input's end is then always the same zeros, never the heap
     * after the caller's array or stale bytes of a reused one, so the output depends on the input alone.
     */
    private static final ThreadLocal<byte[]> INPUT = ThreadLocal.withInitial(() -> new byte[0]);

    /** Zeros given after the input (an array with this much room after the input is deflated in place). */
    static final int PADDING = 256;

    private IsalDeflate() {}

    /** Whether ISA-L loaded on this machine (tried once, on the first call). */
    static boolean available() {
        return Loaded.OK;
    }

    private static final class Loaded {
        static final boolean OK = load();

        private static boolean load() {
            try {
                File dir = Files.createTempDirectory(
                                "sockerless-isal",
                                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
                        .toFile();
                dir.deleteOnExit();
                boolean loaded = new IntelDeflater(1, true).load(dir);
                LOG.info(
                        loaded
                                ? "gzip: ISA-L (" + VERSION + ") loaded"
                                : "gzip: ISA-L (" + VERSION + ") is not available here; the JDK's deflate is used");
                return loaded;
            } catch (RuntimeException | LinkageError | java.io.IOException e) {
                LOG.log(Level.INFO, "gzip: ISA-L could not be loaded; the JDK's deflate is used", e);
                return false;
            }
        }
    }

    /**
     * Deflates {@code data[0, length)} ({@code length > 0}) at ISA-L level {@code level} (1 or 2) as one complete raw
     * deflate stream into {@code out} from {@code offset}; returns its length, or -1 if it is longer than {@code room}
     * bytes (the caller then stores the chunk). When {@code data} has {@link #PADDING} bytes of room after the input,
     * they are set to zero and the input is deflated in place; else it is copied first. Only call when
     * {@link #available()}.
     */
    static int deflate(byte[] data, int length, int level, byte[] out, int offset, int room) {
        if (!available()) {
            throw new IllegalStateException("ISA-L is not available on this machine");
        }
        if (length <= 0 || level < 1 || level > 2) {
            throw new IllegalArgumentException("length " + length + ", level " + level);
        }
        if (room <= 0 || offset + room > out.length) {
            throw new IllegalArgumentException("room " + room + " at " + offset + " of " + out.length);
        }
        IntelDeflater[] deflaters = DEFLATERS.get();
        IntelDeflater d = deflaters[level];
        if (d == null) {
            d = deflaters[level] = new IntelDeflater(level, true);
        }
        byte[] scratch = SCRATCH.get();
        if (scratch.length < room) {
            scratch = new byte[room];
            SCRATCH.set(scratch);
        }
        byte[] input = data;
        if (data.length - length < PADDING) {
            input = INPUT.get();
            if (input.length < length + PADDING) {
                input = new byte[length + PADDING];
                INPUT.set(input);
            }
            System.arraycopy(data, 0, input, 0, length);
        }
        Arrays.fill(input, length, length + PADDING, (byte) 0);
        d.reset();
        d.setInput(input, 0, length); // GKL reads from offset 0 whatever offset it is given
        d.finish();
        int n = d.deflate(scratch, 0, room);
        if (!d.finished() || n < 0 || n > room) {
            return -1;
        }
        System.arraycopy(scratch, 0, out, offset, n);
        return n;
    }

    /** For tests: the loaded library's jar, or null. */
    static @Nullable String source() {
        java.security.CodeSource source =
                IntelDeflater.class.getProtectionDomain().getCodeSource();
        return source == null ? null : source.getLocation().toString();
    }
}
