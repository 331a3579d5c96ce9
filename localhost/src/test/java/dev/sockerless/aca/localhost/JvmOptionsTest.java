package dev.sockerless.aca.localhost;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The local host's JVM runs as Azure starts the app: the Functions Java worker's options, then the app's own. Azure's
 * are those of {@code worker.config.json} in Azure/azure-functions-java-worker ({@code "arguments":
 * ["-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -noverify -Djava.net.preferIPv4Stack=true -jar", "%JAVA_OPTS%",
 * ...]}, also listed under "Customize JVM" in learn.microsoft.com's functions-reference-java); the app's are the
 * {@code languageWorkers__java__arguments} app setting the Bicep deploys. {@code make run} and the benchmark take both
 * from the Makefile, so these must agree.
 */
class JvmOptionsTest {

    private static final String WORKER_DEFAULTS =
            "-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -noverify -Djava.net.preferIPv4Stack=true";

    private static Path root() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isRegularFile(here.resolve("Makefile")) ? here : here.getParent();
    }

    private static String variable(String makefile, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + " := (.*)$").matcher(makefile);
        assertThat(m.find()).as("%s in the Makefile", name).isTrue();
        return m.group(1).trim();
    }

    @Test
    void makeRunAndTheBenchmarkStartTheAppAsAzureDoes() throws IOException {
        String makefile = Files.readString(root().resolve("Makefile"));
        assertThat(variable(makefile, "FUNCTIONS_JAVA_OPTIONS")).isEqualTo(WORKER_DEFAULTS);
        String bicep = Files.readString(root().resolve("bicep/modules/functionapp.bicep"));
        Matcher setting = Pattern.compile("name: 'languageWorkers__java__arguments'\\s*value: '([^']*)'")
                .matcher(bicep);
        assertThat(setting.find())
                .as("languageWorkers__java__arguments in the Bicep")
                .isTrue();
        assertThat(variable(makefile, "APP_JAVA_ARGUMENTS")).isEqualTo(setting.group(1));
        // the worker's options first, the app's after them (the JVM takes the last value of an option)
        assertThat(makefile)
                .contains("exec java $(FUNCTIONS_JAVA_OPTIONS) $(APP_JAVA_ARGUMENTS) -cp \"localhost/target/classes:")
                .contains("-Dbench.appJvmOptions=\"$(FUNCTIONS_JAVA_OPTIONS) $(APP_JAVA_ARGUMENTS)\"");
    }
}
