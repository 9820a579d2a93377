package io.keyspace.notifications.actuate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.listener.NamedHandler;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The handler observation as {@link KeyspaceNotificationsObservation#HANDLER} documents it:
 * its name, contextual name and every low-cardinality key, and never the key of the
 * notification.
 */
class KeyspaceNotificationsObservationTest {

	private static final String KEY = "customer:4711:card";

	private final TestObservationRegistry observations = TestObservationRegistry.create();

	private final MeterHandlerObserver observer = new MeterHandlerObserver(new SimpleMeterRegistry(), this.observations,
			null);

	private final KeyNotificationHandler handler = new NamedHandler("Cards#changed", (n) -> {
	});

	@Test
	void aHandlerCallIsTheDocumentedObservation() {
		this.observer.call(this.handler, keyspace(KEY, "set"));

		assertThat(this.observations).hasSingleObservationThat()
			.hasNameEqualTo("keyspace.notifications.handler")
			.hasContextualNameEqualTo("keyspace notification set")
			.hasOnlyKeys("handler", "event", "channel.type", "group", "outcome")
			.hasLowCardinalityKeyValue("handler", "Cards#changed")
			.hasLowCardinalityKeyValue("event", "set")
			.hasLowCardinalityKeyValue("channel.type", "KEYSPACE")
			.hasLowCardinalityKeyValue("group", "none")
			.hasLowCardinalityKeyValue("outcome", "success")
			.doesNotHaveError()
			.hasBeenStarted()
			.hasBeenStopped();
	}

	@Test
	void theDocumentationListsEveryKeyTheDefaultConventionSets() {
		this.observer.call(this.handler, keyspace(KEY, "set"));

		String[] documented = Stream.of(KeyspaceNotificationsObservation.HANDLER.getLowCardinalityKeyNames())
			.map((name) -> name.asString())
			.toArray(String[]::new);
		assertThat(this.observations).hasSingleObservationThat().hasOnlyKeys(documented);
		assertThat(KeyspaceNotificationsObservation.HANDLER.getHighCardinalityKeyNames()).isEmpty();
	}

	@Test
	void aGroupHandlerCallCarriesItsGroup() {
		this.observer.call(this.handler, "billing", keyevent("expired", KEY));

		assertThat(this.observations).hasSingleObservationThat()
			.hasLowCardinalityKeyValue("group", "billing")
			.hasLowCardinalityKeyValue("event", "expired")
			.hasLowCardinalityKeyValue("channel.type", "KEYEVENT");
	}

	@Test
	void anEventThatIsNotAnEventTypeConstantIsOther() {
		this.observer.call(this.handler, keyspace(KEY, "json.set"));

		assertThat(this.observations).hasSingleObservationThat()
			.hasLowCardinalityKeyValue("event", "other")
			.hasContextualNameEqualTo("keyspace notification other");
	}

	@Test
	void aHandlerThatThrowsEndsTheObservationWithItsErrorAndTheErrorGoesOn() {
		IllegalStateException failure = new IllegalStateException("boom");

		assertThatIllegalStateException().isThrownBy(() -> this.observer.call(new NamedHandler("Cards#changed", (n) -> {
			throw failure;
		}), keyspace(KEY, "del"))).isSameAs(failure);

		assertThat(this.observations).hasSingleObservationThat()
			.hasLowCardinalityKeyValue("outcome", "error")
			.hasError(failure)
			.hasBeenStopped();
	}

	/** So that what the handler calls (Redis, HTTP) joins the trace. */
	@Test
	void theObservationIsTheCurrentOneWhileTheHandlerRuns() {
		List<Observation.ContextView> current = new ArrayList<>();

		this.observer.call(new NamedHandler("Cards#changed",
				(n) -> current.add(this.observations.getCurrentObservation().getContextView())), keyspace(KEY, "set"));

		assertThat(current).singleElement()
			.isInstanceOfSatisfying(KeyNotificationObservationContext.class,
					(context) -> assertThat(context.getHandlerName()).isEqualTo("Cards#changed"));
		assertThat(this.observations.getCurrentObservation()).isNull();
	}

	@Test
	void theKeyAppearsInNoNameAndNoKeyValue() {
		this.observer.call(this.handler, keyspace(KEY, "set"));
		this.observer.call(this.handler, "billing", keyevent("expired", KEY));
		this.observer.call(this.handler, keyspace(KEY, "json.set"));
		this.observer.call(this.handler, subkeyspaceitem(KEY, "number", "hset"));

		assertThat(this.observations).hasNumberOfObservationsEqualTo(4).hasHandledContextsThatSatisfy((contexts) -> {
			for (Observation.Context context : contexts) {
				assertThat(context.getName()).doesNotContain(KEY);
				assertThat(context.getContextualName()).doesNotContain(KEY);
				assertThat(context.getAllKeyValues()).extracting(KeyValue::getValue)
					.allSatisfy((value) -> assertThat(value).doesNotContain("4711"));
				assertThat(context.getHighCardinalityKeyValues()).isEmpty();
			}
		});
	}

	@Test
	void aConventionOfTheApplicationReplacesTheDefault() {
		MeterHandlerObserver observer = new MeterHandlerObserver(new SimpleMeterRegistry(), this.observations,
				new TenantConvention());

		observer.call(this.handler, keyspace(KEY, "set"));

		assertThat(this.observations).hasSingleObservationThat()
			.hasNameEqualTo("keyspace.notifications.handler")
			.hasLowCardinalityKeyValue("tenant", "acme")
			.hasLowCardinalityKeyValue("handler", "Cards#changed");
	}

	/** Keeps the default key values and adds one, as the documentation suggests. */
	static class TenantConvention extends DefaultKeyNotificationObservationConvention {

		@Override
		public KeyValues getLowCardinalityKeyValues(KeyNotificationObservationContext context) {
			return super.getLowCardinalityKeyValues(context).and("tenant", "acme");
		}

	}

	private static KeyNotification keyspace(String key, String event) {
		return parse("__keyspace@0__:" + key, event);
	}

	private static KeyNotification keyevent(String event, String key) {
		return parse("__keyevent@0__:" + event, key);
	}

	private static KeyNotification subkeyspaceitem(String key, String subkey, String event) {
		return parse("__subkeyspaceitem@0__:" + key + "\n" + subkey, event);
	}

	private static KeyNotification parse(String channel, String message) {
		return KeyNotification
			.parse(channel.getBytes(StandardCharsets.UTF_8), message.getBytes(StandardCharsets.UTF_8), null)
			.orElseThrow();
	}

}
