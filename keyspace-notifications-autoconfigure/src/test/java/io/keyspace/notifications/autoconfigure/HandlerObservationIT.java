package io.keyspace.notifications.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.keyspace.notifications.annotation.OnKeyEvent;
import io.keyspace.notifications.listener.HandlerDecorator;
import io.keyspace.notifications.testing.RedisServerExtension;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.MDC;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.SetParams;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The handler observation and the handler decorator of a running application against a real
 * redis-server, for an {@code @OnKeyEvent} method called in every instance and one with a
 * group: each call is observed with the documented keys (and timed with {@code handler} and
 * {@code outcome}), no key name shows, and the decorator wraps every call.
 */
class HandlerObservationIT {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.withConfig("notify-keyspace-events", "KEA");

	private static final String MDC_HANDLER = "keyspace.handler";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				KeyspaceNotificationsAutoConfiguration.class, KeyspaceNotificationsMetricsAutoConfiguration.class))
		.withUserConfiguration(Observed.class, Handlers.class)
		.withPropertyValues("spring.data.redis.host=" + redis.server().host(),
				"spring.data.redis.port=" + redis.server().port());

	@BeforeEach
	void flush() {
		redis.flushAll();
	}

	@Test
	void everyHandlerCallIsObservedWithItsKeysAndDecorated() {
		this.runner.run((context) -> {
			Handlers handlers = context.getBean(Handlers.class);
			try (Jedis jedis = redis.server().jedis()) {
				for (int i = 0; i < 3; i++) {
					jedis.set("card:" + i, "v");
				}
				for (int i = 0; i < 2; i++) {
					jedis.set("hold:" + i, "1", SetParams.setParams().px(50));
				}
			}

			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(handlers.calls).hasSize(5));
			assertThat(handlers.calls).as("the MDC value the decorator set, read by each handler")
				.containsOnly("Handlers#changed", "Handlers#release");
			assertThat(context.getBean(Observed.class).insideObservation).as("the decorator runs in the observation")
				.hasSize(5)
				.containsOnly(true);

			TestObservationRegistry observations = context.getBean(TestObservationRegistry.class);
			await().untilAsserted(() -> {
				assertThat(observed(observations, "Handlers#changed")).hasSize(3)
					.allSatisfy((keys) -> assertThat(keys).containsExactlyInAnyOrder(
							KeyValue.of("handler", "Handlers#changed"), KeyValue.of("event", "set"),
							KeyValue.of("channel.type", "KEYSPACE"), KeyValue.of("group", "none"),
							KeyValue.of("outcome", "success")));
				assertThat(observed(observations, "Handlers#release")).hasSize(2)
					.allSatisfy((keys) -> assertThat(keys).containsExactlyInAnyOrder(
							KeyValue.of("handler", "Handlers#release"), KeyValue.of("event", "expired"),
							KeyValue.of("channel.type", "KEYSPACE"), KeyValue.of("group", "release"),
							KeyValue.of("outcome", "success")));
			});
			assertThat(observations).hasHandledContextsThatSatisfy((contexts) -> assertThat(contexts)
				.allSatisfy((observation) -> assertThat(observation.getContextualName() + observation.getAllKeyValues())
					.doesNotContain("card:")
					.doesNotContain("hold:")));

			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("keyspace.notifications.handler").tag("handler", "Handlers#changed")
				.tag("outcome", "success").timer().count()).isEqualTo(3);
			assertThat(meters.get("keyspace.notifications.handler").tag("handler", "Handlers#release")
				.tag("outcome", "success").timer().count()).isEqualTo(2);
		});
	}

	/** The low-cardinality key values of each stopped handler observation of one handler. */
	private static List<List<KeyValue>> observed(TestObservationRegistry observations, String handler) {
		List<List<KeyValue>> observed = new CopyOnWriteArrayList<>();
		assertThat(observations).hasHandledContextsThatSatisfy((contexts) -> contexts.stream()
			.filter((context) -> context.getName().equals("keyspace.notifications.handler"))
			.filter((context) -> handler.equals(context.getLowCardinalityKeyValue("handler").getValue()))
			.filter((context) -> !context.getLowCardinalityKeyValue("outcome").getValue().equals("unknown"))
			.forEach((context) -> observed.add(List.copyOf(context.getLowCardinalityKeyValues().stream().toList()))));
		return observed;
	}

	@Configuration(proxyBeanMethods = false)
	static class Observed {

		final List<Boolean> insideObservation = new CopyOnWriteArrayList<>();

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		/** Stores every observation, and times it as Spring Boot's meter handler does. */
		@Bean
		TestObservationRegistry observationRegistry(MeterRegistry meters) {
			TestObservationRegistry observations = TestObservationRegistry.create();
			observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
			return observations;
		}

		/** Puts the handler's name in the MDC around each call, as docs/operations.md shows. */
		@Bean
		HandlerDecorator mdcDecorator(ObservationRegistry observations) {
			return (handler, name) -> (notification) -> {
				this.insideObservation.add(observations.getCurrentObservation() != null);
				MDC.put(MDC_HANDLER, name);
				try {
					handler.onNotification(notification);
				}
				finally {
					MDC.remove(MDC_HANDLER);
				}
			};
		}

	}

	static class Handlers {

		final List<String> calls = new CopyOnWriteArrayList<>();

		@OnKeyEvent(key = "card:*", event = "set")
		void changed(String key) {
			this.calls.add(MDC.get(MDC_HANDLER));
		}

		@OnKeyEvent(key = "hold:*", event = "expired", group = "release")
		void release(String key) {
			this.calls.add(MDC.get(MDC_HANDLER));
		}

	}

}
