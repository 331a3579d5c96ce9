package dev.sockerless.aca.localhost;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClasspathScanTest {

    private static final String PKG = "dev.sockerless.aca.localhost.sample";

    @Test
    void findsClassesInDirectories() {
        assertThat(FunctionScanner.classNames(PKG, ClasspathScanTest.class.getClassLoader()))
                .contains(PKG + ".ImagesSample", PKG + ".SystemSample", PKG + ".DurableSample");
    }

    @Test
    void findsClassesInJars(@TempDir Path tmp) throws Exception {
        Path classes = Path.of(ClasspathScanTest.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        Path jar = tmp.resolve("functions.jar");
        List<Path> files;
        try (Stream<Path> s = Files.walk(classes.resolve(PKG.replace('.', '/')))) {
            files = s.filter(Files::isRegularFile).toList();
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Path f : files) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        try (URLClassLoader onlyJar = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            assertThat(FunctionScanner.classNames(PKG, onlyJar))
                    .contains(PKG + ".ImagesSample", PKG + ".SystemSample", PKG + ".DurableSample")
                    .allMatch(n -> n.startsWith(PKG + "."));
        }
    }

    @Test
    void missingPackageYieldsNothing() {
        assertThat(FunctionScanner.scan("dev.sockerless.aca.nosuchpackage")).isEmpty();
    }
}
