package dev.sockerless.aca.images;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The temporary files of loads (decompressed archives, gzipped layers, downloaded blobs): named
 * {@code sockerless-load-<pid>-<kind>-…} so that {@link #sweep} can find those a crashed process left behind — the
 * app's own files only, never another program's, and never those of another live process sharing the directory (two
 * instances, or parallel test runs). Each load deletes its files in every case; the sweep is for the cases where the
 * process itself died (out of memory, a killed worker).
 */
public final class LoadTempFiles {

    static final String PREFIX = "sockerless-load-";
    private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-.*");
    private static final Logger LOG = Logger.getLogger(LoadTempFiles.class.getName());

    private LoadTempFiles() {}

    /** A new empty temporary file of this process in {@code dir}. */
    public static Path create(Path dir, String kind, String suffix) throws IOException {
        return Files.createTempFile(dir, PREFIX + ProcessHandle.current().pid() + "-" + kind + "-", suffix);
    }

    /**
     * Deletes, in {@code dir}, the load files of processes that are gone, and those carrying this process's own id
     * (at start-up they can only be a previous incarnation's: in a container the id repeats). Returns how many.
     * Call it once, before this process's first load.
     */
    public static int sweep(Path dir) {
        long self = ProcessHandle.current().pid();
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*")) {
            for (Path file : files) {
                Matcher m = NAME.matcher(file.getFileName().toString());
                if (!m.matches() || !Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                long pid;
                try {
                    pid = Long.parseLong(m.group(1));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (pid == self || ProcessHandle.of(pid).isEmpty()) {
                    try {
                        Files.deleteIfExists(file);
                        deleted++;
                    } catch (IOException e) {
                        LOG.log(Level.WARNING, "cannot delete the stale load file " + file, e);
                    }
                }
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot sweep stale load files in " + dir, e);
        }
        if (deleted > 0) {
            LOG.info("deleted " + deleted + " temporary files of earlier loads in " + dir);
        }
        return deleted;
    }
}
