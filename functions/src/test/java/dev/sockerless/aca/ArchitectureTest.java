package dev.sockerless.aca;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of the design: the Functions and Durable Task libraries are used only by the thin adapters
 * in {@code functions}; the plain-Java core never depends on the adapters, and each concept package only on the
 * ones below it.
 */
class ArchitectureTest {

    static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.sockerless.aca");
    }

    @Test
    void onlyTheAdaptersUseTheFunctionsAndDurableLibraries() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.sockerless.aca.functions..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("com.microsoft.azure.functions..", "com.microsoft.durabletask..")
                .check(classes);
    }

    @Test
    void theCoreNeverDependsOnTheAdapters() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.sockerless.aca.functions..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.sockerless.aca.functions..")
                .check(classes);
    }

    @Test
    void useCasesDependOnStorePortsNotOnTableStorage() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "dev.sockerless.aca.images..",
                        "dev.sockerless.aca.registry..",
                        "dev.sockerless.aca.docker..",
                        "dev.sockerless.aca.config..",
                        "dev.sockerless.aca.errors..",
                        "dev.sockerless.aca.containers..",
                        "dev.sockerless.aca.agent..",
                        "dev.sockerless.aca.logs..",
                        "dev.sockerless.aca.follow..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.sockerless.aca.state..", "com.azure.data.tables..")
                .check(classes);
    }

    @Test
    void theRegistryClientKnowsNothingOfImagesOrTheEngineApi() {
        noClasses()
                .that()
                .resideInAPackage("dev.sockerless.aca.registry..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.sockerless.aca.images..", "dev.sockerless.aca.docker..")
                .check(classes);
    }

    /**
     * Registry failures are data ({@code RegistryException}: status, diagnostics, URL, action); only the images side
     * ({@code images.RegistryFailures}) turns them into Docker's errors.
     */
    @Test
    void theRegistryClientDoesNotSpeakDockerErrors() {
        noClasses()
                .that()
                .resideInAPackage("dev.sockerless.aca.registry..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.sockerless.aca.errors..")
                .check(classes);
    }

    @Test
    void theJobGeneratorKnowsNothingOfContainersOrTheEngineApi() {
        noClasses()
                .that()
                .resideInAPackage("dev.sockerless.aca.agent..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.sockerless.aca.containers..", "dev.sockerless.aca.docker..", "dev.sockerless.aca.images..")
                .check(classes);
    }

    @Test
    void containersDoNotDependOnTheEngineApiFormats() {
        noClasses()
                .that()
                .resideInAPackage("dev.sockerless.aca.containers..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.sockerless.aca.docker..")
                .check(classes);
    }

    @Test
    void logsKnowNothingOfStateOrTheAdapters() {
        noClasses()
                .that()
                .resideInAPackage("dev.sockerless.aca.logs..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.sockerless.aca.state..",
                        "dev.sockerless.aca.functions..",
                        "com.azure.data.tables..",
                        "dev.sockerless.aca.docker..",
                        "dev.sockerless.aca.follow..")
                .check(classes);
    }

    @Test
    void followKnowsNothingOfStateOrTheAdapters() {
        noClasses()
                .that()
                .resideInAPackage("dev.sockerless.aca.follow..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.sockerless.aca.state..",
                        "dev.sockerless.aca.functions..",
                        "com.azure.data.tables..",
                        "dev.sockerless.aca.docker..")
                .check(classes);
    }

    @Test
    void imagesDoNotDependOnTheEngineApiFormats() {
        noClasses()
                .that()
                .resideInAPackage("dev.sockerless.aca.images..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.sockerless.aca.docker..")
                .check(classes);
    }
}
