package io.keyspace.notifications.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.keyspace.notifications.annotation.OnKeyEvent;
import io.keyspace.notifications.testing.RedisServerExtension;
import jakarta.annotation.PreDestroy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On shutdown a running handler finishes during the container's lifecycle phase: before
 * lifecycle beans of later phases stop (a pool, a scheduler, a producer the handler may use)
 * and before any bean is destroyed.
 */
class ShutdownDrainIT {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.withConfig("notify-keyspace-events", "KEA");

	@Test
	void aRunningHandlerFinishesBeforeLaterPhasesStopAndBeansAreDestroyed() throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SlowHandlerApplication.class)
			.web(WebApplicationType.NONE)
			.run("--spring.data.redis.host=" + redis.server().host(), "--spring.data.redis.port=" + redis.server().port(),
					"--keyspace-notifications.dispatch.shutdown-timeout=20s");
		SlowHandlerApplication app = context.getBean(SlowHandlerApplication.class);
		try (Jedis jedis = redis.server().jedis()) {
			jedis.set("slow:1", "v");
		}
		assertThat(app.started.await(15, TimeUnit.SECONDS)).isTrue();

		CompletableFuture<Void> closed = CompletableFuture.runAsync(context::close);
		await("close waits for the handler").during(Duration.ofMillis(500))
			.atMost(Duration.ofSeconds(2))
			.until(() -> !closed.isDone() && app.events.isEmpty());
		app.mayFinish.countDown();
		closed.get(20, TimeUnit.SECONDS);

		assertThat(app.events).containsExactly("handler finished slow:1", "downstream stopped", "bean destroyed");
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class SlowHandlerApplication {

		final CountDownLatch started = new CountDownLatch(1);

		final CountDownLatch mayFinish = new CountDownLatch(1);

		final List<String> events = new CopyOnWriteArrayList<>();

		@OnKeyEvent(key = "slow:*")
		void onSlowKey(String key) throws InterruptedException {
			this.started.countDown();
			if (this.mayFinish.await(15, TimeUnit.SECONDS)) {
				this.events.add("handler finished " + key);
			}
		}

		/** Something a handler might use, stopped in a later (lower) phase than the container. */
		@Bean
		SmartLifecycle downstream() {
			return new SmartLifecycle() {

				private volatile boolean running;

				@Override
				public void start() {
					this.running = true;
				}

				@Override
				public void stop() {
					this.running = false;
					SlowHandlerApplication.this.events.add("downstream stopped");
				}

				@Override
				public boolean isRunning() {
					return this.running;
				}

				@Override
				public int getPhase() {
					return 0;
				}

			};
		}

		@PreDestroy
		void destroyed() {
			this.events.add("bean destroyed");
		}

	}

}
