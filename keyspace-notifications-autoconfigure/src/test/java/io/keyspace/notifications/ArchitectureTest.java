package io.keyspace.notifications;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import io.keyspace.notifications.archfixture.Facade;
import io.keyspace.notifications.archfixture.FacadeUsingListener;
import io.keyspace.notifications.archfixture.FacadeWithoutEngine;
import io.keyspace.notifications.archfixture.Value;
import io.keyspace.notifications.archfixture.ValueUsingEngine;
import io.keyspace.notifications.archfixture.ValueUsingFacade;
import io.keyspace.notifications.archfixture.ValueUsingSpring;
import io.keyspace.notifications.archfixture.channel.Channel;
import io.keyspace.notifications.archfixture.elsewhere.Stray;
import io.keyspace.notifications.archfixture.internal.engine.Engine;
import io.keyspace.notifications.archfixture.internal.engine.EngineUsingFacade;
import io.keyspace.notifications.archfixture.internal.engine.EngineUsingListener;
import io.keyspace.notifications.archfixture.internal.engine.EngineUsingReader;
import io.keyspace.notifications.archfixture.internal.engine.EngineUsingTestHelper;
import io.keyspace.notifications.archfixture.internal.reader.Reader;
import io.keyspace.notifications.archfixture.listener.Container;
import io.keyspace.notifications.archfixture.listener.ContainerUsingEngine;
import io.keyspace.notifications.archfixture.test.Recorder;
import io.keyspace.notifications.archfixture.test.RecorderUsingFacade;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layering a reader of the code relies on. The root package holds two roles under fixed
 * public names: the API value types (with {@code .channel}) and the facades that wire the
 * engine ({@code .internal..}). The direction is facades → engine → API; the Spring layer
 * ({@code .annotation}, {@code .listener}, {@code .actuate}, {@code .autoconfigure}) sits on
 * the facades and the API, the user test helper ({@code .test}) on the API alone. Cycles are
 * checked per role, not per package: as one slice the root forms a cycle with every engine
 * package (its facades use each one, each one uses its value types), so a check by package has
 * to leave the root out and then cannot see an engine class using a facade or a value type
 * using the engine. Every rule is also run against the
 * {@code archfixture} miniature, which breaks it on purpose, so a rule that could no longer
 * fail fails its own test.
 */
class ArchitectureTest {

	private static final String ROOT = "io.keyspace.notifications";

	/**
	 * Listed, not found: a new root class that reaches into the engine fails the layering until
	 * it is added here, a deliberate edit; {@link #everyListedFacadeWiresTheEngine} keeps the
	 * list from holding classes that are no longer facades.
	 */
	private static final Layering MAIN = new Layering(ROOT, names(AbstractKeyspaceNotifications.class,
			ShardedKeyspaceNotifications.class, StandaloneKeyspaceNotifications.class,
			ClusterKeyspaceNotifications.class, SentinelKeyspaceNotifications.class,
			MasterReplicaKeyspaceNotifications.class, NotificationGroups.class));

	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages(ROOT);

	@Test
	void facadesUseTheEngineAndTheEngineUsesOnlyTheApi() {
		MAIN.layers().check(CLASSES);
	}

	@Test
	void noCyclesBetweenTheRolesOrPackages() {
		MAIN.noCycles().check(CLASSES);
	}

	@Test
	void theCoreNeverImportsSpring() {
		MAIN.coreWithoutSpring().check(CLASSES);
	}

	@Test
	void everyListedFacadeWiresTheEngine() {
		MAIN.facadesWireTheEngine().check(CLASSES);
	}

	private static Set<String> names(Class<?>... classes) {
		return Arrays.stream(classes).map(Class::getName).collect(Collectors.toUnmodifiableSet());
	}

	/** The rules for a layout under {@code root}, so the fixture can mimic the library's. */
	private record Layering(String root, Set<String> facades) {

		private static final String FACADES = "Facades";

		private static final String ENGINE = "Engine";

		private static final String API = "Api";

		private static final String SPRING = "Spring";

		private static final String TEST_HELPER = "Test helper";

		/** Nested and anonymous classes share their facade's role ({@code AbstractKeyspaceNotifications.Placement}). */
		DescribedPredicate<JavaClass> facade() {
			return describe("facades " + new TreeSet<>(facades), c -> facades.contains(topLevel(c).getName()));
		}

		/**
		 * The root's other classes and {@code .channel}, one API: they use each other under fixed
		 * public names ({@code KeyspaceNotifications} takes channels, a channel has a
		 * {@code ChannelType}), so that cycle is not one to check.
		 */
		DescribedPredicate<JavaClass> api() {
			return resideInAPackage(root).and(not(facade()))
				.or(resideInAPackage(root + ".channel.."))
				.as("API value types in " + root + " and " + root + ".channel");
		}

		DescribedPredicate<JavaClass> engine() {
			return resideInAPackage(root + ".internal..").as("engine classes");
		}

		DescribedPredicate<JavaClass> spring() {
			// .reactive adapts the API to Reactor as the others adapt it to Spring: same place, same rules.
			return resideInAnyPackage(root + ".annotation..", root + ".listener..", root + ".actuate..",
					root + ".autoconfigure..", root + ".reactive..")
				.as("Spring and Reactor layer classes");
		}

		DescribedPredicate<JavaClass> testHelper() {
			return resideInAPackage(root + ".test..").as("test helper classes");
		}

		/**
		 * Who may use whom; every cross-layer dependency not allowed here breaks exactly one
		 * clause, and a class in no layer breaks the rule too, so a new package needs a decision.
		 */
		ArchRule layers() {
			return layeredArchitecture().consideringOnlyDependenciesInLayers()
				.ensureAllClassesAreContainedInArchitecture()
				.layer(FACADES).definedBy(facade())
				.layer(ENGINE).definedBy(engine())
				.layer(API).definedBy(api())
				.layer(SPRING).definedBy(spring())
				.layer(TEST_HELPER).definedBy(testHelper())
				.whereLayer(FACADES).mayOnlyBeAccessedByLayers(SPRING)
				.whereLayer(ENGINE).mayOnlyBeAccessedByLayers(FACADES)
				.whereLayer(SPRING).mayNotBeAccessedByAnyLayer()
				.whereLayer(TEST_HELPER).mayNotBeAccessedByAnyLayer();
		}

		/** One slice for the facades, one for the API, one per engine package and per other package. */
		ArchRule noCycles() {
			return slices().assignedFrom(new SliceAssignment() {

				@Override
				public SliceIdentifier getIdentifierOf(JavaClass c) {
					if (facade().test(c)) {
						return SliceIdentifier.of("facades");
					}
					if (api().test(c)) {
						return SliceIdentifier.of("api");
					}
					if (!c.getPackageName().startsWith(root + ".")) {
						return SliceIdentifier.ignore();
					}
					String[] packages = c.getPackageName().substring(root.length() + 1).split("\\.");
					return SliceIdentifier.of(packages[0].equals("internal") && packages.length > 1
							? "internal." + packages[1] : packages[0]);
				}

				@Override
				public String getDescription() {
					return "the facades, the API and each package below " + root;
				}

			}).should().beFreeOfCycles();
		}

		ArchRule coreWithoutSpring() {
			return noClasses().that(facade().or(api()).or(engine()).or(testHelper()))
				.should().dependOnClassesThat().resideInAPackage("org.springframework..");
		}

		ArchRule facadesWireTheEngine() {
			return classes().that(facade()).and().areTopLevelClasses().should().dependOnClassesThat(engine());
		}

		private static JavaClass topLevel(JavaClass c) {
			return c.getEnclosingClass().map(Layering::topLevel).orElse(c);
		}

	}

	/**
	 * Each rule run against {@code archfixture}: its compliant classes pass every rule, and each
	 * violating class added to them makes the rule fail with reports that all name that class.
	 */
	@Nested
	class EachRuleFailsOnADeliberateViolation {

		private final Layering fixture = new Layering(ROOT + ".archfixture",
				names(Facade.class, FacadeUsingListener.class, FacadeWithoutEngine.class));

		/** Every layer non-empty, every allowed direction used once. */
		private final List<Class<?>> compliant = List.of(Value.class, Channel.class, Facade.class,
				Facade.Placement.class, Engine.class, Reader.class, Container.class, Recorder.class);

		@Test
		void theCompliantFixturePassesEveryRule() {
			JavaClasses classes = new ClassFileImporter().importClasses(compliant);
			fixture.layers().check(classes);
			fixture.noCycles().check(classes);
			fixture.coreWithoutSpring().check(classes);
			fixture.facadesWireTheEngine().check(classes);
		}

		@Test
		void anApiTypeUsingTheEngine() {
			assertFails(ValueUsingEngine.class, fixture.layers(), fixture.noCycles());
		}

		@Test
		void anApiTypeUsingAFacade() {
			assertFails(ValueUsingFacade.class, fixture.layers(), fixture.noCycles());
		}

		@Test
		void anApiTypeImportingSpring() {
			assertFails(ValueUsingSpring.class, fixture.coreWithoutSpring());
		}

		@Test
		void theEngineUsingAFacade() {
			assertFails(EngineUsingFacade.class, fixture.layers(), fixture.noCycles());
		}

		@Test
		void theEngineUsingTheSpringLayer() {
			assertFails(EngineUsingListener.class, fixture.layers(), fixture.noCycles());
		}

		@Test
		void theEngineUsingTheTestHelper() {
			assertFails(EngineUsingTestHelper.class, fixture.layers());
		}

		@Test
		void twoEnginePackagesUsingEachOther() {
			assertFails(EngineUsingReader.class, fixture.noCycles());
		}

		@Test
		void theSpringLayerGoingAroundTheFacades() {
			assertFails(ContainerUsingEngine.class, fixture.layers());
		}

		@Test
		void theTestHelperUsingAFacade() {
			assertFails(RecorderUsingFacade.class, fixture.layers());
		}

		@Test
		void aFacadeUsingTheSpringLayer() {
			assertFails(FacadeUsingListener.class, fixture.layers(), fixture.noCycles());
		}

		@Test
		void aListedFacadeThatWiresNothing() {
			assertFails(FacadeWithoutEngine.class, fixture.facadesWireTheEngine());
		}

		@Test
		void aPackageNoLayerCovers() {
			assertFails(Stray.class, fixture.layers());
		}

		private void assertFails(Class<?> violation, ArchRule... rules) {
			JavaClasses classes = new ClassFileImporter()
				.importClasses(Stream.concat(compliant.stream(), Stream.of(violation)).toList());
			for (ArchRule rule : rules) {
				assertThat(rule.evaluate(classes).getFailureReport().getDetails()).as(rule.getDescription())
					.isNotEmpty()
					.allSatisfy(detail -> assertThat(detail).contains(violation.getName()));
			}
		}

	}

}
