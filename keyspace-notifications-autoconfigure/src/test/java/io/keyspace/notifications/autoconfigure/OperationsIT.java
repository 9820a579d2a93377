package io.keyspace.notifications.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.stream.IntStream;

import io.keyspace.notifications.annotation.OnKeyEvent;
import io.keyspace.notifications.testing.RedisServer;
import io.keyspace.notifications.testing.RedisServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Health and meters of a running application against a real redis-server that goes away and comes back. */
class OperationsIT {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.withConfig("notify-keyspace-events", "KEA");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				KeyspaceNotificationsAutoConfiguration.class, KeyspaceNotificationsHealthAutoConfiguration.class,
				KeyspaceNotificationsMetricsAutoConfiguration.class, MetricsAutoConfiguration.class))
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withUserConfiguration(Handlers.class)
		.withPropertyValues("spring.data.redis.host=" + redis.server().host(),
				"spring.data.redis.port=" + redis.server().port(), "keyspace-notifications.health-check-interval=1s",
				"keyspace-notifications.reconnect.max-backoff=500ms");

	@Test
	void healthFollowsTheServerAndMetersCountWhatHappened() {
		this.runner.run((context) -> {
			HealthIndicator health = context.getBean("keyspaceNotificationsHealthIndicator", HealthIndicator.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			RedisServer server = redis.server();
			String node = server.hostAndPort();
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
			assertThat(health.health().getDetails()).containsKey("nodes").doesNotContainKey("password");
			assertThat(health.health().getDetails().toString()).doesNotContain("ops:");

			try (Jedis jedis = server.jedis()) {
				Pipeline pipeline = jedis.pipelined();
				IntStream.range(0, 500).forEach((i) -> pipeline.set("ops:" + i, "v"));
				pipeline.sync();
			}
			await().untilAsserted(() -> assertThat(meters.get("keyspace.notifications.received").tag("node", node)
				.functionCounter()
				.count()).isEqualTo(500));
			assertThat(meters.get("keyspace.notifications.handler").tag("handler", "opsHandler").tag("outcome", "success")
				.timer()
				.count()).isEqualTo(500);
			assertThat(meters.get("keyspace.notifications.lag").timer().count()).isEqualTo(500);
			assertThat(meters.get("keyspace.notifications.dropped").tag("reason", "overflow").functionCounter().count())
				.isZero();

			server.kill();
			await().atMost(Duration.ofSeconds(10)).until(() -> health.health().getStatus().equals(Status.DOWN));
			server.start();
			await().atMost(Duration.ofSeconds(10)).until(() -> health.health().getStatus().equals(Status.UP));
			await().untilAsserted(() -> assertThat(
					meters.get("keyspace.notifications.gaps").tag("cause", "disconnected").counter().count())
				.isEqualTo(1));
			assertThat(meters.get("keyspace.notifications.reconnects").tag("node", node).functionCounter().count())
				.isEqualTo(1);
		});
	}

	@Test
	void resyncPassesShowInTheHealthAndTheMetersWithoutKeyNames() {
		try (Jedis jedis = redis.server().jedis()) {
			jedis.flushAll();
			IntStream.range(0, 3).forEach((i) -> jedis.set("res:" + i, "v"));
		}
		this.runner.withUserConfiguration(ResyncHandler.class).run((context) -> {
			HealthIndicator health = context.getBean("keyspaceNotificationsHealthIndicator", HealthIndicator.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
					meters.get("keyspace.notifications.resyncs").tag("outcome", "completed").functionCounter().count())
				.isEqualTo(1));
			assertThat(meters.get("keyspace.notifications.resync.keys").functionCounter().count()).isEqualTo(3);
			assertThat(meters.get("keyspace.notifications.resync.duration").functionTimer().count()).isEqualTo(1);
			assertThat(meters.get("keyspace.notifications.resync.running").gauge().value()).isZero();
			assertThat(health.health().getDetails().get("resync")).isEqualTo(
					Map.of("completed", 1L, "restarted", 0L, "failed", 0L, "running", 0, "keys", 3L));
			assertThat(health.health().getDetails().toString()).doesNotContain("res:");
			assertThat(meters.getMeters()).allSatisfy((meter) -> assertThat(meter.getId().getTags().toString())
				.doesNotContain("res:"));
		});
	}

	static class ResyncHandler {

		@OnKeyEvent(key = "res:*", resync = true)
		void onResource(String key) {
		}

	}

	static class Handlers {

		@OnKeyEvent(key = "ops:*", event = "set", id = "opsHandler")
		void onSet(String key) {
		}

	}

}
