package dev.sockerless.aca.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every .bicep/.bicepparam file parses with tree-sitter-bicep ({@code scripts/bicep-syntax.js}). Syntax only: no
 * types, schemas or references are checked (no Bicep compiler installs offline). Skipped, loudly, when node or the
 * npm packages are missing ({@code npm ci} installs them; {@code make test} does).
 */
class BicepSyntaxTest {

    private static final Path SCRIPT = Bicep.ROOT.resolve("scripts/bicep-syntax.js");

    @BeforeAll
    static void needsTheParser() {
        boolean installed = Files.isDirectory(Bicep.ROOT.resolve("node_modules/tree-sitter-bicep"))
                && Files.isDirectory(Bicep.ROOT.resolve("node_modules/tree-sitter"));
        boolean node = installed && run(List.of("node", "--version")).exit == 0;
        if (!installed || !node) {
            String why = !installed
                    ? "node_modules lacks tree-sitter/tree-sitter-bicep (run npm ci)"
                    : "node is not on PATH";
            System.err.println("\n*** SKIPPED: Bicep syntax check: " + why + " ***\n");
            Assumptions.abort("Bicep syntax check skipped: " + why);
        }
    }

    @Test
    void everyBicepFileParses() {
        Result r = run(List.of("node", SCRIPT.toString()));
        assertThat(r.exit).as(r.output).isZero();
        for (Path file : Bicep.files()) {
            assertThat(r.output).contains(Bicep.ROOT.relativize(file) + ": ok");
        }
    }

    @Test
    void theCheckerReportsBrokenFiles(@TempDir Path dir) throws IOException {
        Path broken = Files.writeString(
                dir.resolve("broken.bicep"), "param a string\nresource x 'A.B/c@2024-01-01' = {\n  name: 'x'\n");
        Path brokenParam = Files.writeString(dir.resolve("broken.bicepparam"), "using './main.bicep'\nparam a = 'x\n");
        Path fine = Files.writeString(
                dir.resolve("fine.bicepparam"), "using './main.bicep'\nparam a = {\n  b: [\n    1\n  ]\n}\n");
        Result r = run(List.of("node", SCRIPT.toString(), broken.toString(), brokenParam.toString(), fine.toString()));
        assertThat(r.exit).as(r.output).isEqualTo(1);
        assertThat(r.output)
                .contains("broken.bicep:")
                .contains("broken.bicepparam:")
                .contains("fine.bicepparam: ok");
    }

    private record Result(int exit, String output) {}

    private static Result run(List<String> command) {
        try {
            Process p = new ProcessBuilder(new ArrayList<>(command))
                    .directory(Bicep.ROOT.toFile())
                    .redirectErrorStream(true)
                    .start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(p.exitValue(), new String(out));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, e.toString());
        }
    }
}
