package io.keyspace.notifications.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.keyspace.notifications.GapCause;
import io.keyspace.notifications.GroupMetrics;
import io.keyspace.notifications.NotificationGroups;
import io.keyspace.notifications.annotation.OnKeyEvent;
import io.keyspace.notifications.listener.KeyspaceNotificationListenerContainer;
import io.keyspace.notifications.listener.NotificationGapEvent;
import io.keyspace.notifications.testing.PacedWriter;
import io.keyspace.notifications.testing.RedisServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.params.SetParams;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code @OnKeyEvent(group = ...)} in two application contexts in one JVM, two "instances" of
 * one application against a real redis-server: each expired hold is released by one of them,
 * and closing one of them mid-way leaves the other handling everything.
 */
class OnKeyEventGroupIT {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.withConfig("notify-keyspace-events", "KEA");

	private final List<ConfigurableApplicationContext> instances = new ArrayList<>();

	/** The handler bean of every instance started, read after its instance closed too. */
	private final List<Holds> holds = new ArrayList<>();

	@BeforeEach
	void flush() {
		redis.flushAll();
	}

	@AfterEach
	void closeInstances() {
		this.instances.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void eachExpiryIsHandledOnceAcrossTwoInstances() {
		ConfigurableApplicationContext first = start();
		ConfigurableApplicationContext second = start();
		List<String> holds = new ArrayList<>();
		try (Jedis jedis = redis.server().jedis()) {
			Pipeline pipeline = jedis.pipelined();
			for (int i = 0; i < 200; i++) {
				holds.add("hold:" + i);
				pipeline.set("hold:" + i, "1", SetParams.setParams().px(20 + i % 50));
			}
			pipeline.sync();
		}

		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(released()).containsOnlyKeys(holds));
		assertThat(released()).allSatisfy((hold, times) -> assertThat(times).as(hold).isEqualTo(1));
		GroupMetrics one = groups(first).metrics("release");
		GroupMetrics other = groups(second).metrics("release");
		assertThat(one.forwarded() + other.forwarded()).as("one forwarder").isEqualTo(200);
		assertThat(one.handled() + other.handled()).isEqualTo(200);
		assertMeters(first, one);
		assertMeters(second, other);
	}

	private static void assertMeters(ConfigurableApplicationContext instance, GroupMetrics metrics) {
		MeterRegistry meters = instance.getBean(MeterRegistry.class);
		assertThat(meters.get("keyspace.notifications.group.handled").tag("group", "release").functionCounter().count())
			.isEqualTo(metrics.handled());
		assertThat(meters.get("keyspace.notifications.group.forwarded").tag("group", "release").functionCounter().count())
			.isEqualTo(metrics.forwarded());
		if (metrics.handled() > 0) {
			assertThat(meters.get("keyspace.notifications.handler").tag("handler", "Holds#release").timer().count())
				.as("group handler calls are timed like the others")
				.isEqualTo(metrics.handled());
		}
	}

	@Test
	void whenOneInstanceClosesMidWayTheOtherHandlesTheRestAndNothingIsLost() throws Exception {
		ConfigurableApplicationContext first = start();
		ConfigurableApplicationContext second = start();
		try (PacedWriter writer = new PacedWriter("hold-writer", 1_000, redis.server()::jedis, (jedis, i) -> {
			jedis.set("hold:" + i, "1", SetParams.setParams().px(20)); // expires after 20 ms
			return "hold:" + i;
		})) {
			await().atMost(Duration.ofSeconds(30)).until(() -> released().size() > 300);
			ConfigurableApplicationContext forwarder = (groups(first).metrics("release").forwarded() > 0) ? first : second;
			ConfigurableApplicationContext survivor = (forwarder == first) ? second : first;
			forwarder.close();
			long handledBySurvivor = groups(survivor).metrics("release").handled();
			await().atMost(Duration.ofSeconds(30))
				.until(() -> groups(survivor).metrics("release").handled() > handledBySurvivor + 300);
			writer.stop();

			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(released()).containsKeys(writer.written().toArray(String[]::new)));
			assertThat(groups(survivor).metrics("release").forwarded()).as("the survivor took over forwarding")
				.isPositive();
		}
	}

	/**
	 * Stopped by id, a group handler pauses: no call runs once the stop returns, this instance
	 * goes on forwarding, and what was written meanwhile waits in the stream until it starts
	 * again; what it had taken but not acknowledged it handles first.
	 */
	@Test
	void aGroupHandlerStoppedByIdUnderLoadHandlesEverythingWhenStartedAgain() throws Exception {
		ConfigurableApplicationContext alone = start();
		KeyspaceNotificationListenerContainer container = alone.getBean(KeyspaceNotificationListenerContainer.class);
		Holds holds = alone.getBean(Holds.class);
		try (PacedWriter writer = new PacedWriter("hold-writer", 1_000, redis.server()::jedis, (jedis, i) -> {
			jedis.set("hold:" + i, "1", SetParams.setParams().px(20));
			return "hold:" + i;
		})) {
			await().atMost(Duration.ofSeconds(30)).until(() -> holds.calls.get() > 300);

			container.stop("Holds#release");
			int callsAtStop = holds.calls.get();
			int writtenAtStop = writer.written().size();
			await().atMost(Duration.ofSeconds(30)).until(() -> writer.written().size() > writtenAtStop + 500);
			assertThat(container.isRunning("Holds#release")).isFalse();
			assertThat(holds.calls.get()).as("no call after stop(id) returned").isEqualTo(callsAtStop);
			assertThat(groups(alone).metrics("release").forwarded()).as("forwarding went on")
				.isGreaterThan(writtenAtStop);

			container.start("Holds#release");
			writer.stop();
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(released()).containsKeys(writer.written().toArray(String[]::new)));
		}
		assertThat(holds.gaps).as("nothing was lost").isEmpty();
	}

	@Test
	void aWindowWithoutAnyInstanceIsPublishedAsAGapEvent() {
		ConfigurableApplicationContext alone = start();
		try (Jedis jedis = redis.server().jedis()) {
			jedis.set("hold:before", "1", SetParams.setParams().px(1));
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> released().containsKey("hold:before"));
		alone.close();
		try (Jedis jedis = redis.server().jedis()) {
			jedis.set("hold:unseen", "1", SetParams.setParams().px(1));
		}
		ConfigurableApplicationContext restarted = start();
		try (Jedis jedis = redis.server().jedis()) {
			jedis.set("hold:seen", "1", SetParams.setParams().px(1));
		}

		await().atMost(Duration.ofSeconds(30)).until(() -> released().containsKey("hold:seen"));
		Holds holds = restarted.getBean(Holds.class);
		await().untilAsserted(() -> assertThat(holds.gaps).singleElement().satisfies((event) -> {
			assertThat(event.gap().cause()).isEqualTo(GapCause.NO_FORWARDER);
			assertThat(event.getSource()).isSameAs(groups(restarted));
		}));
		assertThat(released()).doesNotContainKey("hold:unseen");
	}

	private ConfigurableApplicationContext start() {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(HoldApplication.class)
			.web(WebApplicationType.NONE)
			.run("--spring.data.redis.host=" + redis.server().host(), "--spring.data.redis.port=" + redis.server().port(),
					"--keyspace-notifications.groups.lease-time=1s", "--keyspace-notifications.groups.claim-timeout=1s");
		this.instances.add(context);
		this.holds.add(context.getBean(Holds.class));
		return context;
	}

	/** How often each hold was released, over every instance started (closed ones included). */
	private Map<String, Integer> released() {
		Map<String, Integer> released = new ConcurrentHashMap<>();
		for (Holds instance : this.holds) {
			instance.released.forEach((hold, times) -> released.merge(hold, times.get(), Integer::sum));
		}
		return released;
	}

	private static NotificationGroups groups(ConfigurableApplicationContext context) {
		return context.getBean(NotificationGroups.class);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class HoldApplication {

		@Bean
		Holds holds() {
			return new Holds();
		}

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	/** Releases reserved stock when a hold expires: once per hold, whatever the number of instances. */
	static class Holds {

		final Map<String, AtomicInteger> released = new ConcurrentHashMap<>();

		final AtomicInteger calls = new AtomicInteger();

		final List<NotificationGapEvent> gaps = new CopyOnWriteArrayList<>();

		@OnKeyEvent(key = "hold:*", event = "expired", group = "release")
		void release(String hold) {
			this.calls.incrementAndGet();
			this.released.computeIfAbsent(hold, (h) -> new AtomicInteger()).incrementAndGet();
		}

		@EventListener
		void gap(NotificationGapEvent event) {
			this.gaps.add(event);
		}

	}

}
