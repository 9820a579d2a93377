package io.keyspace.notifications;

import java.util.Set;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layering a reader of the code relies on: the API ({@code io.keyspace.notifications},
 * {@code .channel}) apart from the engine ({@code .internal..}), the core free of Spring,
 * and the Spring layer on the API only.
 */
class ArchitectureTest {

	private static final String ROOT = "io.keyspace.notifications";

	/** The facades that wire the engine together: the one place the API reaches into it. */
	private static final Set<String> FACADES = Set.of(AbstractKeyspaceNotifications.class.getName(),
			ShardedKeyspaceNotifications.class.getName(), StandaloneKeyspaceNotifications.class.getName(),
			ClusterKeyspaceNotifications.class.getName(), SentinelKeyspaceNotifications.class.getName(),
			MasterReplicaKeyspaceNotifications.class.getName(), NotificationGroups.class.getName());

	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages(ROOT);

	@Test
	void noPackageCycles() {
		slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(CLASSES);
		slices().matching(ROOT + ".internal.(*)..").should().beFreeOfCycles().check(CLASSES);
	}

	@Test
	void theCoreNeverImportsSpring() {
		noClasses().that().resideInAnyPackage(ROOT, ROOT + ".channel", ROOT + ".test", ROOT + ".internal..")
			.should().dependOnClassesThat().resideInAPackage("org.springframework..")
			.check(CLASSES);
	}

	@Test
	void theEngineNeverImportsTheSpringLayer() {
		noClasses().that().resideInAPackage(ROOT + ".internal..")
			.should().dependOnClassesThat().resideInAnyPackage(ROOT + ".annotation..", ROOT + ".listener..",
					ROOT + ".actuate..", ROOT + ".autoconfigure..")
			.check(CLASSES);
	}

	@Test
	void theSpringLayerUsesOnlyTheApi() {
		noClasses().that().resideInAnyPackage(ROOT + ".annotation..", ROOT + ".listener..", ROOT + ".actuate..",
				ROOT + ".autoconfigure..")
			.should().dependOnClassesThat().resideInAPackage(ROOT + ".internal..")
			.check(CLASSES);
	}

	@Test
	void onlyTheFacadesOfTheApiReachIntoTheEngine() {
		noClasses().that().resideInAnyPackage(ROOT, ROOT + ".channel", ROOT + ".test")
			.and(describe("are not the facades", (JavaClass c) -> !FACADES.contains(c.getName())
					&& !FACADES.contains(c.getEnclosingClass().map(JavaClass::getName).orElse(""))))
			.should().dependOnClassesThat().resideInAPackage(ROOT + ".internal..")
			.check(CLASSES);
	}

}
