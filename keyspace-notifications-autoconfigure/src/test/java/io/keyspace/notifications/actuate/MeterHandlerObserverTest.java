package io.keyspace.notifications.actuate;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.listener.NamedHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** Handler calls become timers named after the handler, with their outcome, with or without observations. */
class MeterHandlerObserverTest {

	private final MeterRegistry meters = new SimpleMeterRegistry();

	private final KeyNotification notification = KeyNotification
		.parse("__keyspace@0__:k".getBytes(StandardCharsets.UTF_8), "set".getBytes(StandardCharsets.UTF_8), null)
		.orElseThrow();

	@Test
	void timesEachCallByHandlerAndOutcomeWithoutObservations() {
		callTwice(new MeterHandlerObserver(this.meters, null, null));
		assertThat(this.meters.get("keyspace.notifications.handler").timer().getId().getTags()).extracting("key")
			.containsExactlyInAnyOrder("handler", "outcome");
	}

	@Test
	void anObservationPerCallRecordsTheSameTimerThroughTheMeterHandler() {
		callTwice(new MeterHandlerObserver(this.meters, observedByMeters(), null));
		assertThat(this.meters.get("keyspace.notifications.handler").tag("handler", "Cache#evict")
			.tag("event", "set").tag("channel.type", "KEYSPACE").tag("group", "none").timers()).hasSize(2);
	}

	@Test
	void whileAHandlerRunsItsActiveTimerHasNoOutcomeYet() {
		MeterHandlerObserver observer = new MeterHandlerObserver(this.meters, observedByMeters(), null);
		observer.call(new NamedHandler("Cache#evict", (n) -> assertThat(this.meters
			.get("keyspace.notifications.handler.active").tag("handler", "Cache#evict").tag("outcome", "unknown")
			.longTaskTimer().activeTasks()).isEqualTo(1)), this.notification);
	}

	@Test
	void lagIsRecordedPerNotification() {
		MeterHandlerObserver observer = new MeterHandlerObserver(this.meters, null, null);
		observer.beforeHandlers(this.notification, 2_000_000);
		assertThat(this.meters.get("keyspace.notifications.lag").timer().totalTime(TimeUnit.MILLISECONDS))
			.isEqualTo(2.0);
	}

	private ObservationRegistry observedByMeters() {
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(this.meters));
		return observations;
	}

	private void callTwice(MeterHandlerObserver observer) {
		observer.call(new NamedHandler("Cache#evict", (n) -> {
		}), this.notification);
		assertThatIllegalStateException().isThrownBy(() -> observer.call(new NamedHandler("Cache#evict", (n) -> {
			throw new IllegalStateException("boom");
		}), this.notification));
		assertThat(this.meters.get("keyspace.notifications.handler").tag("handler", "Cache#evict")
			.tag("outcome", "success").timer().count()).isEqualTo(1);
		assertThat(this.meters.get("keyspace.notifications.handler").tag("handler", "Cache#evict")
			.tag("outcome", "error").timer().count()).isEqualTo(1);
	}

}
